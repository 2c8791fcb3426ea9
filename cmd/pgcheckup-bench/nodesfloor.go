package main

import (
	"context"
	"fmt"
	"net"
	"sync"
	"time"
)

// floorNodes runs the catalog floor (floor.go) on every node of conns at once, each on a
// connection of its own, and returns the time until the last one finished: the least a
// run that reads each node's catalogs and statistics could take, on this machine, with
// perfect parallelism across nodes.
func floorNodes(ctx context.Context, conns []string) (time.Duration, error) {
	start := time.Now()
	errs := make([]error, len(conns))
	var wg sync.WaitGroup
	for i, cs := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, errs[i] = floor(ctx, cs)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

// measureFloorNodes alternates, runs times after one warm-up of each, the floor on the
// first node alone and on every node at once.
func measureFloorNodes(ctx context.Context, conns []string, runs int) (one, all []time.Duration, err error) {
	for i := -1; i < runs; i++ {
		a, err := floorNodes(ctx, conns[:1])
		if err != nil {
			return nil, nil, err
		}
		b, err := floorNodes(ctx, conns)
		if err != nil {
			return nil, nil, err
		}
		if i >= 0 {
			one, all = append(one, a), append(all, b)
		}
	}
	return one, all, nil
}

// nodeConnString is the floor's connection string for a node at addr (host:port), as the
// superuser the harness made.
func nodeConnString(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = addr, "5432"
	}
	return fmt.Sprintf("host=%s port=%s user=postgres dbname=postgres sslmode=disable", host, port)
}
