//go:build linux

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestConcurrentGenerate runs two real svcgen generate processes on one
// output directory. The first is stopped (SIGSTOP, delivered by strace
// when it makes its first rename) with all its temporary files staged;
// the second must refuse at once, naming the directory and the first
// one's pid, and touch none of them; the first, continued, finishes, and
// the tree is exactly up to date. Without the lock, the second removed
// the first's temporary files and the first failed with "rename ...: no
// such file".
func TestConcurrentGenerate(t *testing.T) {
	strace := needStrace(t)
	bin := buildSvcgen(t)
	dir := t.TempDir()
	specPath := filepath.Join(dir, "service.toml")
	copyFile(t, "../../golden/typical/service.toml", specPath)
	out := filepath.Join(dir, "orders")

	var firstOut bytes.Buffer
	first := exec.Command(strace, "-f", "-qq", "-o", os.DevNull, "-e", "trace=rename,renameat,renameat2",
		"-e", "inject=rename,renameat,renameat2:signal=SIGSTOP:when=1", bin, "generate", "-spec", specPath, "-out", out)
	first.Stdout, first.Stderr = &firstOut, &firstOut
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer first.Process.Kill()
	firstDone := make(chan error, 1)
	go func() { firstDone <- first.Wait() }()
	pid := stoppedChild(t, out, first, firstDone)
	staged, _ := filepath.Glob(filepath.Join(out, ".*.svcgen-*"))
	if len(staged) == 0 {
		t.Fatal("the first run holds the lock but has staged no temporary file")
	}

	second := exec.Command(bin, "generate", "-spec", specPath, "-out", out)
	o, err := second.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitError {
		t.Errorf("the second generate: %v, want exit %d\n%s", err, exitError, o)
	}
	want := "another svcgen generate is running in " + out + " (pid " + strconv.Itoa(pid) + ")"
	if !strings.Contains(string(o), want) {
		t.Errorf("the second generate says\n%s\nwant it to say %q", o, want)
	}
	for _, s := range staged {
		if _, err := os.Stat(s); err != nil {
			t.Errorf("the second run removed the first one's %s: %v", filepath.Base(s), err)
		}
	}

	// Continue the first; again while it has not ended, should a
	// SIGCONT meet a stop still on its way to a thread.
	for continued := false; !continued; {
		syscall.Kill(pid, syscall.SIGCONT)
		select {
		case err := <-firstDone:
			if err != nil {
				t.Fatalf("the first generate, continued: %v\n%s", err, firstOut.String())
			}
			continued = true
		case <-time.After(time.Second):
		}
	}
	if o, err := exec.Command(bin, "check", "-spec", specPath, "-out", out).CombinedOutput(); err != nil {
		t.Errorf("check after both: %v\n%s", err, o)
	}
	if left, _ := filepath.Glob(filepath.Join(out, ".svcgen*")); len(left) > 0 {
		t.Errorf("left in the output directory: %v", left)
	}
	if left, _ := filepath.Glob(filepath.Join(out, ".*.svcgen-tmp-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestStaleLockFile: the lock file a killed run leaves (its pid long gone)
// does not block the next generate, which removes it.
func TestStaleLockFile(t *testing.T) {
	specPath, out := generatedMinimal(t)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip(err)
	}
	lock := filepath.Join(out, ".svcgen.lock")
	mustWrite(t, lock, strconv.Itoa(dead.ProcessState.Pid())+"\n")
	os.Remove(filepath.Join(out, "svcgen_guards.go"))
	if code, stdout, stderr := svcgen(t, "generate", "-spec", specPath, "-out", out); code != exitOK {
		t.Fatalf("generate with a stale lock file: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(lock); err == nil {
		t.Error("the lock file is still there")
	}
}

// stoppedChild waits until the process strace runs (strace's child) is
// stopped with temporary files staged in out, and returns its pid. It waits as long as the machine needs:
// the test fails only if strace ends first (done).
func stoppedChild(t *testing.T, out string, strace *exec.Cmd, done <-chan error) int {
	t.Helper()
	children := "/proc/" + strconv.Itoa(strace.Process.Pid) + "/task/" + strconv.Itoa(strace.Process.Pid) + "/children"
	for {
		select {
		case err := <-done:
			t.Fatalf("the first generate ended before its first rename: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
		data, err := os.ReadFile(children)
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
		if err != nil {
			continue
		}
		staged, _ := filepath.Glob(filepath.Join(out, ".*.svcgen-*"))
		// Stopped with files staged, and still stopped a moment later:
		// the stop for the signal, not a passing stop at a traced call.
		if len(staged) > 0 && stopped(pid) {
			time.Sleep(100 * time.Millisecond)
			if stopped(pid) {
				return pid
			}
		}
	}
}

// stopped reports whether every thread of process pid is stopped (state
// T, or t under a tracer). A SIGCONT sent while the stop is still reaching
// the threads can be lost under the tracer, so the test waits for all.
func stopped(pid int) bool {
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/stat")
	for _, task := range tasks {
		stat, err := os.ReadFile(task)
		if err != nil {
			return false
		}
		// The state follows the command name in parentheses.
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) == 0 || fields[0] != "T" && fields[0] != "t" {
			return false
		}
	}
	return len(tasks) > 0
}
