package main

import grpc "google.golang.org/grpc"

// RegisterRPC registers the services of the rpc server, e.g.
// pb.RegisterOrdersServer(s, &orders{}). It runs once the resources it depends
// on are ready; its parameters follow depends_on. Calls wait until the whole
// service is ready. A long-lived stream selects on svcrt.Draining(ctx) and
// returns when it closes: at the drain deadline its context is cancelled and
// the client gets Unavailable.
func RegisterRPC(s grpc.ServiceRegistrar, store *Store) error {
	return nil
}
