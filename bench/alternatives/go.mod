module github.com/svcgen/svcgen/bench/alternatives

go 1.26.0

require (
	github.com/cloudflare/tableflip v1.2.3
	go.uber.org/fx v1.24.0
)

require (
	github.com/google/subcommands v1.2.0 // indirect
	github.com/google/wire v0.7.0 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	go.uber.org/dig v1.19.0 // indirect
	go.uber.org/multierr v1.10.0 // indirect
	go.uber.org/zap v1.26.0 // indirect
	golang.org/x/mod v0.20.0 // indirect
	golang.org/x/sync v0.8.0 // indirect
	golang.org/x/sys v0.23.0 // indirect
	golang.org/x/tools v0.24.1 // indirect
)

tool github.com/google/wire/cmd/wire
