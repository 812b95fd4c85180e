package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// act does what the test asked for one step of one resource, through the
// environment variable E2E_<RESOURCE>_<STEP>: a comma-separated list of
// sleep:<duration> (honours ctx), gate:<file> (waits until the file
// exists), fail, panic, hang (blocks, ignoring ctx).
func act(ctx context.Context, resource, step string) error {
	v := os.Getenv("E2E_" + strings.ToUpper(resource) + "_" + strings.ToUpper(step))
	if v == "" {
		return nil
	}
	for _, a := range strings.Split(v, ",") {
		verb, arg, _ := strings.Cut(a, ":")
		switch verb {
		case "sleep":
			d, err := time.ParseDuration(arg)
			if err != nil {
				return err
			}
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			}
		case "gate":
			for {
				if _, err := os.Stat(arg); err == nil {
					break
				}
				select {
				case <-time.After(5 * time.Millisecond):
				case <-ctx.Done():
					return ctx.Err()
				}
			}
		case "fail":
			return fmt.Errorf("%s of %s failed as the test asked", step, resource)
		case "panic":
			panic(step + " of " + resource + " panicked as the test asked")
		case "hang":
			select {}
		default:
			return errors.New("unknown act " + a)
		}
	}
	return nil
}
