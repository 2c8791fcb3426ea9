package workload

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// benchEntries fills pg_stat_statements with 5,000 distinct statements of 2-5 kB each:
// their structure differs (1 to 100 columns, 1 to 50 conditions), so their queryids do.
func benchEntries(b *testing.B, cl *pgtest.Cluster) {
	b.Helper()
	cl.MustExec(b, "postgres", "CREATE EXTENSION pg_stat_statements; SELECT pg_stat_statements_reset()")
	pad := "/* " + strings.Repeat("long text to make the query-text file large ", 45) + "*/"
	var batch strings.Builder
	for i := range 5000 {
		cols, conds := 1+i%100, 1+i/100
		batch.WriteString("SELECT " + pad)
		for c := range cols {
			if c > 0 {
				batch.WriteString(", ")
			}
			fmt.Fprintf(&batch, "relname AS column_%d", c)
		}
		batch.WriteString(" FROM pg_catalog.pg_class WHERE relpages >= 0")
		for c := range conds {
			fmt.Fprintf(&batch, " AND relpages > -%d", c+1)
		}
		batch.WriteString(" LIMIT 1;\n")
		if i%250 == 249 {
			cl.MustExec(b, "postgres", batch.String())
			batch.Reset()
		}
	}
}

// BenchmarkSnapshotDelta: one snapshot and one delta against an earlier snapshot, with
// 5,000 entries whose texts fill a large query-text file (showtext := false leaves it
// unread). FetchTexts reads that file once, for the 20 statements a report shows.
func BenchmarkSnapshotDelta(b *testing.B) {
	ctx := context.Background()
	cl := pgtest.ForTest(b, pgtest.Options{Settings: map[string]string{"pg_stat_statements.max": "10000"}})
	benchEntries(b, cl)
	s := open(b, cl)
	prev, err := Take(ctx, s)
	if err != nil {
		b.Fatal(err)
	}
	if len(prev.Entries) < 5000 {
		b.Fatalf("%d entries", len(prev.Entries))
	}
	var buf bytes.Buffer
	if err := prev.Write(&buf); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d entries, saved snapshot %d bytes", len(prev.Entries), buf.Len())
	b.Run("take+delta", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			cur, err := Take(ctx, s)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := Delta(prev, cur); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("delta", func(b *testing.B) {
		cur, err := Take(ctx, s)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Delta(prev, cur); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("save+load", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var buf bytes.Buffer
			if err := prev.Write(&buf); err != nil {
				b.Fatal(err)
			}
			if _, err := Read(&buf); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(buf.Len()), "json-bytes")
	})
	b.Run("texts-top20", func(b *testing.B) {
		var ids []int64
		for _, e := range prev.Entries[:20] {
			ids = append(ids, e.QueryID)
		}
		b.ReportAllocs()
		for b.Loop() {
			t, err := FetchTexts(ctx, s, prev.ExtSchema, ids, nil, nil)
			if err != nil || len(t.ByID) != 20 {
				b.Fatal(err, len(t.ByID))
			}
		}
	})
}
