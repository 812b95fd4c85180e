module example.com/sockdup

go 1.26.0

require (
	github.com/Microsoft/go-winio v0.6.4
	golang.org/x/sys v0.49.0
)
