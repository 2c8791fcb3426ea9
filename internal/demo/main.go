// Command demo starts a throwaway Postgres, loads the demo database (testdata/demo),
// runs pgcheckup against it, prints where the report is and stops the server.
// `make demo` and `make samples` run it.
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
	data := flag.String("data", "testdata/demo", "folder with schema.sql and concurrent.sql")
	standby := flag.Bool("standby", true, "add a streaming standby, so the report covers two nodes")
	flag.Parse()
	if err := demo(*bin, *out, *data, *standby, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func demo(bin, out, data string, withStandby bool, extra []string) error {
	ctx := context.Background()
	fmt.Fprintln(os.Stderr, "demo: starting a throwaway PostgreSQL cluster")
	cl, err := pgtest.Start(ctx, pgtest.Options{})
	if err != nil {
		return err
	}
	defer cl.Destroy()
	fmt.Fprintf(os.Stderr, "demo: PostgreSQL %s on port %d; loading the demo database\n", cl.Version, cl.Port)
	if err := demodb.Load(ctx, cl, data); err != nil {
		return err
	}
	args := append([]string{"run", "--project", "demo", "--out", out, "--host-ram", "16GB", "--host-cpus", "4"}, extra...)
	args = append(args, "-h", fmt.Sprintf("primary=127.0.0.1:%d", cl.Port))
	if withStandby {
		sb, err := cl.AddStandby(ctx, nil)
		if err != nil {
			return err
		}
		defer sb.Destroy()
		fmt.Fprintf(os.Stderr, "demo: streaming standby on port %d\n", sb.Port)
		args = append(args, "-h", fmt.Sprintf("standby=127.0.0.1:%d", sb.Port))
		time.Sleep(500 * time.Millisecond) // the standby connects and starts streaming
	}
	args = append(args, "user="+pgtest.Superuser+" dbname="+demodb.Name+" sslmode=disable")
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
		fmt.Fprintln(os.Stderr, "demo: the report was written, but some checks ended in error")
		return nil
	}
	if err == nil {
		fmt.Fprintf(os.Stderr, "demo: done; open report.html or report.md in the folder printed above\n")
	}
	return err
}
