// Command receiver runs the test receiver of the platform's checkup RPCs on localhost
// (for `make demo UPLOAD=1`): it writes its URL (and, over TLS, its certificate) to
// files, serves until SIGINT or SIGTERM, then writes what it received under -store.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/pgcheckup/pgcheckup/internal/uploadtest"
	"github.com/pgcheckup/pgcheckup/platform"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen `address` (localhost only)")
	urlFile := flag.String("url-file", "", "write the receiver's URL to this `file`")
	caFile := flag.String("ca-file", "", "serve TLS and write its certificate to this `file` (empty: plain http)")
	store := flag.String("store", "", "on exit, write the received files under this `dir`/<report id>/")
	flag.Parse()
	token := os.Getenv("PGCHECKUP_TOKEN")
	if token == "" {
		fmt.Fprintln(os.Stderr, "receiver: set PGCHECKUP_TOKEN to the token it should accept")
		os.Exit(2)
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil || (host != "127.0.0.1" && host != "::1" && host != "localhost") {
		fmt.Fprintln(os.Stderr, "receiver: -addr must be on localhost")
		os.Exit(2)
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "receiver:", err)
		os.Exit(1)
	}
	r, err := uploadtest.NewOn(l, token, *caFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "receiver:", err)
		os.Exit(1)
	}
	r.Validate = platform.Validate // every JSON file against its check's schema, as the platform would
	if *urlFile != "" {
		if err := os.WriteFile(*urlFile, []byte(r.URL+"\n"), 0o600); err != nil {
			fmt.Fprintln(os.Stderr, "receiver:", err)
			os.Exit(1)
		}
	}
	fmt.Fprintf(os.Stderr, "receiver: listening on %s\n", r.URL)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	<-sigs
	r.Close()
	reports, files := r.Reports(), r.Files()
	fmt.Fprintf(os.Stderr, "receiver: received %d reports, %d files\n", len(reports), len(files))
	if *store != "" {
		if err := r.Dump(*store); err != nil {
			fmt.Fprintln(os.Stderr, "receiver:", err)
			os.Exit(1)
		}
	}
}
