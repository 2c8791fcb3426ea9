// Command demo starts a throwaway Postgres cluster (a primary and two streaming
// standbys), loads the demo databases (testdata/demo: demo, billing, and payroll, which
// the monitoring role may not connect to), runs pgcheckup against every node as a
// non-superuser monitoring role (pg_monitor), prints where the report is and stops the
// servers. `make demo` and `make samples` run it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/pgcheckup/pgcheckup/internal/demodb"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func main() {
	bin := flag.String("pgcheckup", "./bin/pgcheckup", "pgcheckup binary to run")
	out := flag.String("out", "./artifacts", "report folder")
	data := flag.String("data", "testdata/demo", "folder with the demo's SQL files")
	standbys := flag.Int("standbys", 2, "streaming standbys to add (0 to 9)")
	flag.Parse()
	if *standbys < 0 || *standbys > 9 {
		fmt.Fprintln(os.Stderr, "demo: -standbys must be 0 to 9")
		os.Exit(2)
	}
	if err := demo(*bin, *out, *data, *standbys, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "demo: error:", err)
		os.Exit(1)
	}
}

// standbySettings are the settings of the n-th standby (from 1): the second one has
// another effective_cache_size, so that the settings compared across nodes (A006) have a
// row. Not work_mem: ALTER DATABASE demo SET work_mem hides the file's value from every
// session in the demo database, so the nodes would look alike there.
func standbySettings(n int) map[string]string {
	if n == 2 {
		return map[string]string{"effective_cache_size": "'8GB'"}
	}
	return nil
}

// node is one server the demo checks.
type node struct {
	alias string
	port  int
}

// runArgs are pgcheckup's arguments: every node by alias, as the monitoring role, in the
// demo database (database-scoped checks cover the others where pgcheckup checks every
// database); extra come from the demo's command line.
func runArgs(out string, nodes []node, extra []string) []string {
	args := []string{"run", "--project", "demo", "--out", out, "--host-ram", "16GB", "--host-cpus", "4"}
	args = append(args, extra...)
	for _, n := range nodes {
		args = append(args, "-h", fmt.Sprintf("%s=127.0.0.1:%d", n.alias, n.port))
	}
	return append(args, "user="+demodb.Monitor+" dbname="+demodb.Name+" sslmode=disable")
}

func demo(bin, out, data string, standbys int, extra []string) error {
	ctx := context.Background()
	start := time.Now()
	fmt.Fprintln(os.Stderr, "demo: starting a throwaway PostgreSQL cluster")
	cl, err := pgtest.Start(ctx, pgtest.Options{})
	if err != nil {
		return err
	}
	defer cl.Destroy()
	fmt.Fprintf(os.Stderr, "demo: PostgreSQL %s on port %d; loading the databases %v and the role %s\n",
		cl.Version, cl.Port, demodb.Databases, demodb.Monitor)
	if err := demodb.LoadCluster(ctx, cl, data); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "demo: loaded in %s\n", time.Since(start).Round(100*time.Millisecond))
	nodes := []node{{"primary", cl.Port}}
	for i := 1; i <= standbys; i++ {
		sb, err := cl.AddStandby(ctx, standbySettings(i))
		if err != nil {
			return err
		}
		defer sb.Destroy()
		alias := fmt.Sprintf("standby%d", i)
		fmt.Fprintf(os.Stderr, "demo: streaming standby %s on port %d (%s)\n", alias, sb.Port,
			time.Since(start).Round(100*time.Millisecond))
		nodes = append(nodes, node{alias, sb.Port})
	}
	if err := waitStreaming(ctx, cl, standbys, 15*time.Second); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "demo: cluster ready in %s; running pgcheckup as %s (pg_monitor)\n",
		time.Since(start).Round(100*time.Millisecond), demodb.Monitor)
	cmd := exec.Command(bin, runArgs(out, nodes, extra)...)
	cmd.Env = append(os.Environ(), "PGPASSWORD="+demodb.MonitorPassword)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
		fmt.Fprintln(os.Stderr, "demo: the report was written, but some checks ended in error")
		return nil
	}
	if err == nil {
		fmt.Fprintf(os.Stderr, "demo: done in %s; open report.html or report.md in the folder printed above\n",
			time.Since(start).Round(100*time.Millisecond))
	}
	return err
}

// waitStreaming waits until the primary sees n standbys streaming and replayed up to its
// current WAL position, so that the report shows them in step.
func waitStreaming(ctx context.Context, cl *pgtest.Cluster, n int, limit time.Duration) error {
	if n == 0 {
		return nil
	}
	conn, err := cl.Connect(ctx, "postgres")
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	deadline := time.Now().Add(limit)
	for {
		var streaming int
		err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_catalog.pg_stat_replication
			WHERE state = 'streaming' AND replay_lsn >= pg_catalog.pg_current_wal_lsn()`).Scan(&streaming)
		if err != nil {
			return err
		}
		if streaming >= n {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d standbys streaming after %s", streaming, n, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
