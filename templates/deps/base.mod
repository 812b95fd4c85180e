golang.org/x/sys v0.49.0
