package main

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// BenchmarkRunLargeCatalog runs every check against a database with many tables (each
// with a primary key, a secondary index, a foreign key and a sequence):
// PGCHECKUP_BENCH_TABLES sets how many (default 10000). Run with `make bench-go`.
func BenchmarkRunLargeCatalog(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("PGCHECKUP_BENCH_TABLES")); err == nil && v > 0 {
		n = v
	}
	cl := pgtest.ForTest(b, pgtest.Options{Settings: map[string]string{"max_locks_per_transaction": "256"}})
	cl.MustExec(b, "postgres", "CREATE TABLE parent (id serial PRIMARY KEY)")
	cl.MustExec(b, "postgres", fmt.Sprintf(`DO $$ BEGIN FOR i IN 1..%d LOOP
			EXECUTE format('CREATE TABLE t%%s (id serial PRIMARY KEY, parent_id int REFERENCES parent, v text)', i);
			EXECUTE format('CREATE INDEX ON t%%s (v)', i);
			IF i %% 500 = 0 THEN COMMIT; END IF;
		END LOOP; END $$;`, n))
	cl.MustExec(b, "postgres", "ANALYZE")
	b.ResetTimer()
	for b.Loop() {
		code, _, stderr := runCLI(b, "run", "-q", "--out", b.TempDir(), cl.ConnString("postgres"))
		if code != exitOK {
			b.Fatalf("exit %d: %s", code, stderr)
		}
	}
	b.ReportMetric(float64(n), "tables")
}
