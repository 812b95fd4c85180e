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

// echoService is what protoc-gen-go-grpc would generate for
//
//	service Echo {
//	  rpc Say(google.protobuf.StringValue) returns (google.protobuf.StringValue);
//	  rpc Ticks(google.protobuf.StringValue) returns (stream google.protobuf.Int64Value);
//	}
type echoService interface {
	Say(context.Context, *wrapperspb.StringValue) (*wrapperspb.StringValue, error)
	Ticks(*wrapperspb.StringValue, grpc.ServerStream) error
}

var echoDesc = grpc.ServiceDesc{
	ServiceName: "svcgen.test.Echo",
	HandlerType: (*echoService)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Say",
		Handler: func(srv any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
			in := new(wrapperspb.StringValue)
			if err := dec(in); err != nil {
				return nil, err
			}
			return srv.(echoService).Say(ctx, in)
		},
	}},
	Streams: []grpc.StreamDesc{{
		StreamName:    "Ticks",
		ServerStreams: true,
		Handler: func(srv any, stream grpc.ServerStream) error {
			in := new(wrapperspb.StringValue)
			if err := stream.RecvMsg(in); err != nil {
				return err
			}
			return srv.(echoService).Ticks(in, stream)
		},
	}},
}

type echo struct{}

// Say answers its argument after 5ms of work.
func (echo) Say(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
	t := time.NewTimer(5 * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		return in, nil
	case <-ctx.Done():
		return nil, status.FromContextError(ctx.Err()).Err()
	}
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
