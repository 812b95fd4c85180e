module example.com/wire50

go 1.26.0

require github.com/google/wire v0.7.0
