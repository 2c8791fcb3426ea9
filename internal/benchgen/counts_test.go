package benchgen_test

import (
	"context"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/jackc/pgx/v5"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/all"
	"github.com/pgcheckup/pgcheckup/internal/benchgen"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/pipeline"
	"github.com/pgcheckup/pgcheckup/internal/privacy"
	"github.com/pgcheckup/pgcheckup/internal/session"
)

// countsTables is small enough for `make test` and large enough that every planted shape
// occurs several times and exceeds the lowered listing limits below.
const countsTables = 300

// TestReportCountsEveryPlantedProblem builds a small benchmark catalog, runs every check
// through the pipeline with listing limits far below the numbers planted, and asserts
// that what the summary and --fail-on count (the sum of Finding.Weight per code) is
// exactly what the generator planted: listing the top N must not hide the rest.
func TestReportCountsEveryPlantedProblem(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{Settings: benchgen.Settings()})
	ctx := context.Background()
	truth, err := benchgen.Generate(ctx, cl.ConnString("postgres"), countsTables, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("catalog holds the plan", func(t *testing.T) { catalogHoldsPlan(t, cl, truth) })

	list := all.Checks()
	for _, c := range list {
		if cf, ok := c.(checks.Configurable); ok {
			// top_n far below what is planted, and L003's sequences read in several
			// batches (keys a check does not have are ignored)
			if _, err := toml.Decode("top_n = 5\nbatch_size = 50", cf.Config()); err != nil {
				t.Fatalf("%s: %v", c.Meta().ID, err)
			}
		}
	}
	pc, err := pgx.ParseConfig(cl.ConnString("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	san, err := privacy.New(privacy.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := pipeline.Run(ctx, pipeline.Config{
		Targets: []pipeline.Target{{Alias: "bench", Conn: pc}}, Checks: list, Sanitizer: san,
		CheckTimeout: 2 * time.Minute,
		Session:      session.Options{StatementTimeout: time.Minute, LockTimeout: time.Second, ConnectTimeout: 10 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, c := range rep.Checks {
		for _, r := range c.Results {
			if r.Status == checks.StatusError {
				t.Errorf("%s ended in error: %s", c.ID, r.Reason)
			}
		}
		for _, f := range c.Findings {
			count[f.Code] += f.Weight()
		}
	}
	for _, tc := range []struct {
		what  string
		codes []string
		want  int
	}{
		{"foreign keys without an index", []string{"H003/fk-without-index"}, truth.FKWithoutIndex},
		{"redundant and duplicate indexes", []string{"H004/redundant-index", "H004/duplicate-index"},
			truth.RedundantIndexes + truth.DuplicateIndexes},
		{"near-max int4 sequences", []string{"L003/integer-capacity"}, truth.NearMaxSequences},
	} {
		got := 0
		for _, code := range tc.codes {
			got += count[code]
		}
		if got != tc.want {
			t.Errorf("%s: the report counts %d (%v), the catalog holds %d", tc.what, got, tc.codes, tc.want)
		}
	}
}

// catalogHoldsPlan checks the generator's truths against the catalog with plain
// queries, so that a failure above is the checks' and not the generator's.
func catalogHoldsPlan(t *testing.T, cl *pgtest.Cluster, truth benchgen.Truth) {
	ctx := context.Background()
	conn, err := cl.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, q := range []struct {
		what string
		sql  string
		want int
	}{
		{"foreign keys with no index leading with their column", `
			SELECT count(*) FROM pg_constraint c
			WHERE c.contype = 'f' AND NOT EXISTS (
			    SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])`, truth.FKWithoutIndex},
		{"indexes whose keys lead a wider or an older index of the same table", `
			SELECT count(*) FROM pg_index a
			WHERE EXISTS (
			    SELECT 1 FROM pg_index b
			    WHERE b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid
			      AND (b.indkey::int2[])[0:a.indnatts - 1] = (a.indkey::int2[])[0:a.indnatts - 1]
			      AND (b.indnatts > a.indnatts OR b.indexrelid < a.indexrelid))`,
			truth.RedundantIndexes + truth.DuplicateIndexes},
		{"int4 sequences at 50% or more", `
			SELECT count(*) FROM pg_sequences WHERE data_type = 'integer'::regtype AND last_value >= 2147483647 / 2`,
			truth.NearMaxSequences},
		{"tables with autovacuum off", `
			SELECT count(*) FROM pg_class WHERE relkind = 'r' AND 'autovacuum_enabled=false' = ANY (reloptions)`,
			truth.AutovacuumOff},
		{"partitions", `SELECT count(*) FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid WHERE c.relkind = 'r'`,
			truth.Partitions},
		{"statement shapes", `SELECT count(*) FROM pg_stat_statements
			WHERE query ~ '^(SELECT|UPDATE|DELETE) .*bench_' AND query !~ '%'`,
			truth.StatementShapes},
	} {
		var got int
		if err := conn.QueryRow(ctx, q.sql).Scan(&got); err != nil {
			t.Fatalf("%s: %v", q.what, err)
		}
		if got != q.want {
			t.Errorf("%s: catalog has %d, the generator says %d", q.what, got, q.want)
		}
	}
}

// TestTruthIsTheSumOfThePlan pins the proportions, so that a change to Plan is seen
// (and Version bumped for the cached catalogs).
func TestTruthIsTheSumOfThePlan(t *testing.T) {
	got := benchgen.TruthOf(1000)
	want := benchgen.Truth{Tables: 1000, FKWithoutIndex: 480, RedundantIndexes: 120, DuplicateIndexes: 100,
		NearMaxSequences: 53, NearMaxP1: 27, AutovacuumOff: 10, Partitioned: 10, Partitions: 40, Unlogged: 25,
		Views: 50, MatViews: 5, Functions: 80, Triggers: 33, StatementShapes: 5000}
	if got != want {
		t.Errorf("TruthOf(1000) = %+v, want %+v", got, want)
	}
}
