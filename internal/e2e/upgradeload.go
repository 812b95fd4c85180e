package e2e

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// UpgradeLoads are the four loads every upgrade must lose nothing under,
// sent at once: on the HTTP API 64 closed-loop keep-alive clients and 100
// new connections a second (open loop); on the gRPC server default calls
// (no wait-for-ready) from 64 closed-loop clients, each its own
// connection, which grpc-go reconnects when told to go away, and one call
// on each of 50 new connections a second (open loop).
type UpgradeLoads struct {
	answered    atomic.Int64 // HTTP requests
	rpcAnswered atomic.Int64 // gRPC calls of the closed loop
	stop        atomic.Bool
	wg          sync.WaitGroup
	keep        *LoadResult
	fresh       *LoadResult
	rpc         *GRPCLoadResult
	rpcFresh    *GRPCLoadResult
}

// StartUpgradeLoads sends the loads to the HTTP API at api and the gRPC
// server at rpc (host:port each) until End.
func StartUpgradeLoads(api, rpc string) *UpgradeLoads {
	l := &UpgradeLoads{}
	addr := api
	until := func(int64) bool {
		l.answered.Add(1)
		return l.stop.Load()
	}
	l.wg.Add(4)
	go func() {
		defer l.wg.Done()
		l.rpc = GRPCLoad{Addr: rpc, Clients: 64, Until: func(n int64) bool {
			l.rpcAnswered.Store(n)
			return l.stop.Load()
		}}.Run()
	}()
	go func() {
		defer l.wg.Done()
		l.rpcFresh = GRPCLoad{Addr: rpc, Rate: 50, Until: func(int64) bool { return l.stop.Load() }}.Run()
	}()
	go func() {
		defer l.wg.Done()
		l.keep = Load(context.Background(), LoadConfig{URL: "http://" + addr + "/?sleep=2ms", Clients: 64, Post: true, Until: until})
	}()
	go func() {
		defer l.wg.Done()
		l.fresh = Load(context.Background(), LoadConfig{URL: "http://" + addr + "/?sleep=2ms", Rate: 100, Post: true, Until: until})
	}()
	return l
}

// WaitAnswered waits until n more HTTP requests and n more gRPC calls
// were answered.
func (l *UpgradeLoads) WaitAnswered(t *testing.T, n int64) {
	t.Helper()
	target, rpcTarget := l.answered.Load()+n, l.rpcAnswered.Load()+n
	deadline := time.Now().Add(upgradeWait)
	for l.answered.Load() < target || l.rpcAnswered.Load() < rpcTarget {
		if time.Now().After(deadline) {
			t.Fatalf("fewer than %d requests and %d calls answered in %s", n, n, upgradeWait)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// End stops the loads and fails t if a request was refused, lost or
// answered with an error.
func (l *UpgradeLoads) End(t *testing.T) {
	t.Helper()
	l.stop.Store(true)
	l.wg.Wait()
	for _, r := range []struct {
		name string
		res  *LoadResult
	}{{"64 keep-alive clients", l.keep}, {"100 new connections/s", l.fresh}} {
		t.Logf("%s: answered %d (%d with Connection: close), refused %d, lost %d, failed %d",
			r.name, r.res.OK, r.res.Closing, r.res.Refused, r.res.Lost, r.res.Failed)
		if r.res.Refused != 0 || r.res.Lost != 0 || r.res.Failed != 0 {
			t.Errorf("%s: %d refused, %d lost, %d failed: %v", r.name, r.res.Refused, r.res.Lost, r.res.Failed, r.res.LostErrs)
		}
	}
	// A call refused before the server got it fails all the same for a
	// default call: gRPC does not retry it on its own.
	for _, r := range []struct {
		name string
		res  *GRPCLoadResult
	}{{"64 gRPC clients", l.rpc}, {"50 new gRPC connections/s", l.rpcFresh}} {
		t.Logf("%s: answered %d, refused %d, lost %d", r.name, r.res.OK, r.res.Refused, r.res.Lost)
		if r.res.Refused != 0 || r.res.Lost != 0 {
			t.Errorf("%s: %d calls refused, %d lost: %v", r.name, r.res.Refused, r.res.Lost, r.res.LostErrs)
		}
	}
}

// upgradeWait bounds the wait for answers; no test expects it to take
// this long.
const upgradeWait = 60 * time.Second
