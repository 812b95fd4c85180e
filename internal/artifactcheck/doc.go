// Package artifactcheck reads the non-Go files svcgen generates (systemd
// unit, Kubernetes manifest, README) by their own grammar, for tests that
// check where a spec value lands: a value must stay the value of its
// setting, scalar or paragraph, and never become structure of the file.
package artifactcheck
