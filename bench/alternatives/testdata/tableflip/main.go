// Command tableflip is the hand-written baseline of the upgrade benchmark
// (bench/upgrade_test.go): a net/http server whose listener
// cloudflare/tableflip hands to the new binary on SIGUSR2, as tableflip's
// own HTTP example does. It answers "<version> <pid>"; the benchmark builds
// it twice with -ldflags "-X main.version=...".
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cloudflare/tableflip"
)

var version = "1.0.0"

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	pidFile := flag.String("pid-file", "", "tableflip's PID file")
	flag.Parse()

	upg, err := tableflip.New(tableflip.Options{PIDFile: *pidFile, UpgradeTimeout: 30 * time.Second})
	if err != nil {
		log.Fatal(err)
	}
	defer upg.Stop()
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGUSR2)
		for range sig {
			if err := upg.Upgrade(); err != nil {
				log.Println("upgrade failed:", err)
			}
		}
	}()
	ln, err := upg.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if d, err := time.ParseDuration(r.URL.Query().Get("sleep")); err == nil {
			time.Sleep(d)
		}
		fmt.Fprintf(w, "%s %d", version, os.Getpid())
	})}
	go srv.Serve(ln)
	log.Printf("listening addr=%s version=%s", ln.Addr(), version)
	if err := upg.Ready(); err != nil {
		log.Fatal(err)
	}
	<-upg.Exit()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv.Shutdown(ctx)
	log.Printf("stopped")
}
