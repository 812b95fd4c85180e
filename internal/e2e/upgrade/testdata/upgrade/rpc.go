package main

import (
	"context"
	"fmt"
	"os"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// versionEcho serves Say of the echo service (echo.go, shared with the grpc
// tests): "version" is answered "<version> <pid>", anything else echoed
// after 5ms of work.
type versionEcho struct{ unimplementedEcho }

func (versionEcho) Say(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
	if in.Value == "version" {
		return wrapperspb.String(fmt.Sprintf("%s %d", svcVersion, os.Getpid())), nil
	}
	return sayAfterWork(ctx, in)
}

// RegisterRPC registers the echo service once warm is open.
func RegisterRPC(s grpc.ServiceRegistrar, warm *Warm) error {
	s.RegisterService(&echoDesc, versionEcho{})
	return nil
}
