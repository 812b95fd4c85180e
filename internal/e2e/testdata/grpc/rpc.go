package main

import (
	"context"
	"time"

	"example.com/rpce2e/internal/svcrt"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// echo serves both methods of the echo service (echo.go).
type echo struct{}

// Say answers its argument after 5ms of work.
func (echo) Say(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
	return sayAfterWork(ctx, in)
}

// Ticks sends a tick every 20ms. Told to drain, it ends with Unavailable
// (the client calls again elsewhere) unless asked with "ignore", which
// runs until its context ends: at the drain deadline.
func (echo) Ticks(in *wrapperspb.StringValue, stream grpc.ServerStream) error {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	draining := svcrt.Draining(stream.Context())
	if in.Value == "ignore" {
		draining = nil
	}
	for n := int64(0); ; n++ {
		if err := stream.SendMsg(wrapperspb.Int64(n)); err != nil {
			return err
		}
		select {
		case <-tick.C:
		case <-draining:
			return status.Error(codes.Unavailable, "stopping: call again")
		case <-stream.Context().Done():
			return stream.Context().Err()
		}
	}
}

// RegisterRPC registers the echo service once warm is open.
func RegisterRPC(s grpc.ServiceRegistrar, warm *Warm) error {
	s.RegisterService(&echoDesc, echo{})
	return nil
}
