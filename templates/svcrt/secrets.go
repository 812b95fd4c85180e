package svcrt

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
)

// env returns a required environment variable: secrets and addresses come
// from the environment, never from the spec. "not set" is said only of a
// variable that is not set; one set to "" is set, and empty.
func env(name string) (string, error) {
	v, ok := os.LookupEnv(name)
	if !ok {
		return "", fmt.Errorf("environment variable %s is not set", name)
	}
	if v == "" {
		return "", fmt.Errorf("environment variable %s is set but empty", name)
	}
	return v, nil
}

// readSecretFile returns the content of a secret file without its trailing
// newline (editors and echo add one, Windows editors a CRLF).
func readSecretFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	v := strings.TrimRight(string(b), "\r\n")
	if v == "" {
		return "", fmt.Errorf("%s is empty", path)
	}
	return v, nil
}

// secretSet holds the credentials a resource read from its environment or
// files, in every form a message may show them. Each error of the
// resource's driver leaves through it, so no log line, retry, readiness
// detail or recovered panic has to remember to redact.
type secretSet struct {
	mu    sync.RWMutex
	forms []string // longest first
}

// add records the credentials of a connection string read by driver (see
// credentialForms).
func (s *secretSet) add(driver, dsn string) {
	s.addForms(credentialForms(driver, dsn))
}

// addValue records a credential given on its own (a password variable).
func (s *secretSet) addValue(v string) {
	s.addForms(escapedForms([]string{v}))
}

// merge records the credentials of other.
func (s *secretSet) merge(other *secretSet) {
	other.mu.RLock()
	forms := slices.Clone(other.forms)
	other.mu.RUnlock()
	s.addForms(forms)
}

func (s *secretSet) addForms(forms []string) {
	if len(forms) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forms = longestFirst(append(s.forms, forms...))
}

// redact replaces every credential in text. Logs and readiness output are
// read by more people than the credential is meant for.
func (s *secretSet) redact(text string) string {
	if s == nil {
		return text // a value built without one (a test's HTTPClient)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, f := range s.forms {
		text = strings.ReplaceAll(text, f, "xxxxx")
	}
	return text
}

// redactErr returns err with every credential replaced in its message. The
// error still unwraps to the driver's, so errors.As finds its codes (see
// permanent); a recovered panic's value and stack are redacted as well.
func (s *secretSet) redactErr(err error) error {
	if err == nil {
		return nil
	}
	var p *panicError
	if errors.As(err, &p) {
		return &panicError{value: s.redact(fmt.Sprint(p.value)), stack: []byte(s.redact(string(p.stack)))}
	}
	if msg, safe := err.Error(), s.redact(err.Error()); safe != msg {
		return &redactedError{msg: safe, err: err}
	}
	return err
}

// redactStatus redacts the text values of a /readyz detail.
func (s *secretSet) redactStatus(status map[string]any) map[string]any {
	for k, v := range status {
		if t, ok := v.(string); ok {
			status[k] = s.redact(t)
		}
	}
	return status
}

// redactedError is a driver's error whose message held a credential.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
