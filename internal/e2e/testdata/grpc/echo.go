package main

import (
	"context"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// This file is shared by the services of the end-to-end tests that serve
// gRPC (the upgrade's links to it): what protoc-gen-go-grpc would generate
// for
//
//	service Echo {
//	  rpc Say(google.protobuf.StringValue) returns (google.protobuf.StringValue);
//	  rpc Ticks(google.protobuf.StringValue) returns (stream google.protobuf.Int64Value);
//	}
//
// written by hand over the well-known wrapper types, and the work of Say.
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

// unimplementedEcho answers Unimplemented, as protoc-gen-go-grpc's
// UnimplementedEchoServer does: embedded by a server that implements only
// some methods.
type unimplementedEcho struct{}

func (unimplementedEcho) Say(context.Context, *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
	return nil, status.Error(codes.Unimplemented, "method Say not implemented")
}

func (unimplementedEcho) Ticks(*wrapperspb.StringValue, grpc.ServerStream) error {
	return status.Error(codes.Unimplemented, "method Ticks not implemented")
}

// sayAfterWork answers in after 5ms of work, or the context's error.
func sayAfterWork(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
	t := time.NewTimer(5 * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		return in, nil
	case <-ctx.Done():
		return nil, status.FromContextError(ctx.Err()).Err()
	}
}
