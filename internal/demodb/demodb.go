// Package demodb loads the demo database (testdata/demo) into a harness cluster: the
// database `make demo` checks and the integration tests expect planted problems in.
package demodb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// Name is the demo database's name.
const Name = "demo"

// Load creates the demo database from the SQL files in dir (testdata/demo).
func Load(ctx context.Context, cl *pgtest.Cluster, dir string) error {
	if err := cl.Exec(ctx, "postgres", "CREATE DATABASE "+Name); err != nil {
		return err
	}
	read := func(name string) (string, error) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		return string(b), err
	}
	schema, err := read("schema.sql")
	if err != nil {
		return err
	}
	if err := cl.Exec(ctx, Name, schema); err != nil {
		return fmt.Errorf("demo schema: %w", err)
	}
	conc, err := read("concurrent.sql")
	if err != nil {
		return err
	}
	for _, stmt := range strings.Split(conc, ";\n") {
		if strings.TrimSpace(stripComments(stmt)) == "" {
			continue
		}
		// The statements that plant invalid indexes do so by failing.
		_ = cl.Exec(ctx, Name, stmt)
	}
	// Some workload, so that statistics views have something to show.
	for i := range 50 {
		if err := cl.Exec(ctx, Name, fmt.Sprintf("SELECT * FROM customers WHERE id = %d", i)); err != nil {
			return err
		}
	}
	// ANALYZE only once the statistics have counted the changes (before 15 they reach the
	// views up to 500 ms later), or every table would look modified since its analyze.
	time.Sleep(1100 * time.Millisecond)
	if err := cl.Exec(ctx, Name, "ANALYZE"); err != nil {
		return err
	}
	time.Sleep(600 * time.Millisecond)
	return nil
}

func stripComments(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
