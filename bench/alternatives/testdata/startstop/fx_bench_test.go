package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.uber.org/fx"
)

// This file is dropped into the project generated from
// bench/testdata/startstop, beside its startstop_bench_test.go, so the
// generated engine, uber-go/fx and the sequential code run the same eight
// user functions in one process, alternating, one line per round.

// TestBenchStartStopFx prints, per round, the start (to ready) and the stop
// (request to done) of each of the three.
func TestBenchStartStopFx(t *testing.T) {
	for round := 0; round < 7; round++ {
		genStart, genStop := engineRound(t)
		fxStart, fxStop := fxRound(t)
		seqStart, seqStop := sequentialRound(t)
		fmt.Printf("RESULT startstopfx genstart=%d genstop=%d fxstart=%d fxstop=%d seqstart=%d seqstop=%d\n",
			genStart.Nanoseconds(), genStop.Nanoseconds(),
			fxStart.Nanoseconds(), fxStop.Nanoseconds(),
			seqStart.Nanoseconds(), seqStop.Nanoseconds())
	}
}

// fxResource registers one resource the fx way: the constructor returns the
// value, an OnStart hook opens it and an OnStop hook closes it.
func fxResource[T any](open func(context.Context) (*T, error), close func(context.Context, *T) error) func(fx.Lifecycle) *T {
	return func(lc fx.Lifecycle) *T {
		v := new(T)
		lc.Append(fx.Hook{
			OnStart: func(ctx context.Context) error {
				r, err := open(ctx)
				if r != nil {
					*v = *r
				}
				return err
			},
			OnStop: func(ctx context.Context) error { return close(ctx, v) },
		})
		return v
	}
}

func fxRound(t *testing.T) (start, stop time.Duration) {
	app := fx.New(
		fx.NopLogger,
		fx.Provide(
			fxResource(OpenR1, CloseR1),
			fxResource(OpenR2, CloseR2),
			fxResource(OpenR3, CloseR3),
			fxResource(OpenR4, CloseR4),
			fxResource(OpenR5, CloseR5),
			fxResource(OpenR6, CloseR6),
			fxResource(OpenR7, CloseR7),
			fxResource(OpenR8, CloseR8),
		),
		fx.Invoke(func(*R1, *R2, *R3, *R4, *R5, *R6, *R7, *R8) {}),
	)
	if err := app.Err(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	t0 := time.Now()
	if err := app.Start(ctx); err != nil {
		t.Fatal(err)
	}
	start = time.Since(t0)
	t1 := time.Now()
	if err := app.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	return start, time.Since(t1)
}
