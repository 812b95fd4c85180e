package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"example.com/startbench/internal/svcrt"
)

// TestBenchStartStop measures the start (to ready) and the stop (request to
// exit) of the generated engine with eight independent resources, against
// the same user functions called one after another, alternating, one line
// per round.
func TestBenchStartStop(t *testing.T) {
	for round := 0; round < 7; round++ {
		genStart, genStop := engineRound(t)
		seqStart, seqStop := sequentialRound(t)
		fmt.Printf("RESULT startstop genstart=%d genstop=%d seqstart=%d seqstop=%d\n",
			genStart.Nanoseconds(), genStop.Nanoseconds(), seqStart.Nanoseconds(), seqStop.Nanoseconds())
	}
}

func engineRound(t *testing.T) (start, stop time.Duration) {
	cfg, wire := svcSetup(svcrt.NewOverrides(svcServiceName, nil))
	app := svcrt.New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), func() error { return nil })
	wire(app)
	t0 := time.Now()
	done := make(chan svcrt.ExitCode, 1)
	go func() { done <- app.Run() }()
	var tReady time.Time
	select {
	case <-app.Ready():
		tReady = time.Now()
	case code := <-done:
		t.Fatalf("exited with %d before ready", code)
	}
	t1 := time.Now()
	app.Stop(svcrt.StopRequested, "benchmark")
	if code := <-done; code != 0 {
		t.Fatalf("exit code %d", code)
	}
	return tReady.Sub(t0), time.Since(t1)
}

func sequentialRound(t *testing.T) (start, stop time.Duration) {
	ctx := context.Background()
	t0 := time.Now()
	r1, _ := OpenR1(ctx)
	r2, _ := OpenR2(ctx)
	r3, _ := OpenR3(ctx)
	r4, _ := OpenR4(ctx)
	r5, _ := OpenR5(ctx)
	r6, _ := OpenR6(ctx)
	r7, _ := OpenR7(ctx)
	r8, _ := OpenR8(ctx)
	start = time.Since(t0)
	t1 := time.Now()
	CloseR8(ctx, r8)
	CloseR7(ctx, r7)
	CloseR6(ctx, r6)
	CloseR5(ctx, r5)
	CloseR4(ctx, r4)
	CloseR3(ctx, r3)
	CloseR2(ctx, r2)
	CloseR1(ctx, r1)
	return start, time.Since(t1)
}
