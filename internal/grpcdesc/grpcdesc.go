// Package grpcdesc writes by hand what protoc-gen-go-grpc generates for a
// service over the well-known wrapper types: the runtime's tests and the
// benchmarks serve gRPC without protoc. (The end-to-end test services are
// projects of their own and carry their copy, internal/e2e/testdata/grpc.)
package grpcdesc

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// Unary is a unary method's implementation on the service value srv.
type Unary func(srv any, ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error)

// ServerStream is a server-streaming method's implementation on srv: in is
// the request, stream where the answers go.
type ServerStream func(srv any, in *wrapperspb.StringValue, stream grpc.ServerStream) error

// Service is the descriptor of the service name whose implementations
// satisfy the interface handlerType points to (a nil pointer, as generated
// code gives it: grpc-go checks implementations against it), with the
// unary methods and server-streaming methods given by name.
func Service(name string, handlerType any, unary map[string]Unary, streams map[string]ServerStream) grpc.ServiceDesc {
	desc := grpc.ServiceDesc{ServiceName: name, HandlerType: handlerType}
	for method, call := range unary {
		desc.Methods = append(desc.Methods, grpc.MethodDesc{
			MethodName: method,
			Handler: func(srv any, ctx context.Context, dec func(any) error, interceptor grpc.UnaryServerInterceptor) (any, error) {
				in := new(wrapperspb.StringValue)
				if err := dec(in); err != nil {
					return nil, err
				}
				if interceptor == nil {
					return call(srv, ctx, in)
				}
				info := &grpc.UnaryServerInfo{Server: srv, FullMethod: "/" + name + "/" + method}
				return interceptor(ctx, in, info, func(ctx context.Context, req any) (any, error) {
					return call(srv, ctx, req.(*wrapperspb.StringValue))
				})
			},
		})
	}
	for method, call := range streams {
		desc.Streams = append(desc.Streams, grpc.StreamDesc{
			StreamName:    method,
			ServerStreams: true,
			Handler: func(srv any, stream grpc.ServerStream) error {
				in := new(wrapperspb.StringValue)
				if err := stream.RecvMsg(in); err != nil {
					return err
				}
				return call(srv, in, stream)
			},
		})
	}
	return desc
}
