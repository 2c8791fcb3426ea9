package f004

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// maxError is the error, in percentage points against pgstattuple, that the documentation
// states for high-confidence estimates.
const maxError = 5

// maxRewriteError is the stated error against what a rewrite (VACUUM FULL) frees.
const maxRewriteError = 2

// Table shapes that the width model has to get right, each estimated against what
// pgstattuple measures (free space and dead rows) and against what a rewrite frees:
// wide rows (the first test's), narrow rows of an int and a short text, and on 18
// virtual generated columns, which have no storage. A table of a few pages is too small
// to judge. Tables beyond top_n are counted, not dropped.
func TestShapes(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"fsync": "off", "autovacuum": "off"}})
	cl.MustExec(t, "postgres", `
CREATE EXTENSION pgstattuple;
CREATE TABLE wide_bloated (id int PRIMARY KEY, n bigint, created timestamptz, note text, payload text);
INSERT INTO wide_bloated SELECT g, g * 7, now(), CASE WHEN g % 3 = 0 THEN 'n' || g END,
  md5(g::text) || md5((g * 3)::text) FROM generate_series(1, 150000) g;
DELETE FROM wide_bloated WHERE id % 2 = 0;
UPDATE wide_bloated SET n = n + 1, payload = md5(payload) WHERE id % 8 = 1;
CREATE TABLE wide_fresh (id bigint, flag boolean, v int, label text);
INSERT INTO wide_fresh SELECT g, g % 2 = 0, g, 'label ' || g FROM generate_series(1, 100000) g;
CREATE TABLE narrow_fresh (id int, t text);
INSERT INTO narrow_fresh SELECT g, 'v' || (g % 1000) FROM generate_series(1, 300000) g;
CREATE TABLE narrow_bloated (id int, t text);
INSERT INTO narrow_bloated SELECT g, 'v' || (g % 1000) FROM generate_series(1, 300000) g;
DELETE FROM narrow_bloated WHERE id % 2 = 0;
CREATE TABLE narrow_text (t text, id int);
INSERT INTO narrow_text SELECT 'k' || g, g FROM generate_series(1, 300000) g;
DELETE FROM narrow_text WHERE id % 3 = 0;
CREATE TABLE tiny_bloated (id int);
INSERT INTO tiny_bloated SELECT generate_series(1, 2000);
DELETE FROM tiny_bloated WHERE id % 200 <> 0;`)
	cl.MustExec(t, "postgres", "VACUUM wide_bloated, narrow_bloated, narrow_text, tiny_bloated")
	shapes := []string{"wide_bloated", "wide_fresh", "narrow_fresh", "narrow_bloated", "narrow_text"}
	if cl.Major >= 18 {
		cl.MustExec(t, "postgres", `
CREATE TABLE virtual_cols (id int, a int, t text, v text GENERATED ALWAYS AS (t || 'x') VIRTUAL,
  w bigint GENERATED ALWAYS AS (a * 2) VIRTUAL);
INSERT INTO virtual_cols (id, a, t) SELECT g, g, 'v' || g FROM generate_series(1, 200000) g;
DELETE FROM virtual_cols WHERE id % 2 = 0;`)
		cl.MustExec(t, "postgres", "VACUUM virtual_cols")
		shapes = append(shapes, "virtual_cols")
	}
	conn, err := cl.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, s := range append(shapes, "tiny_bloated") {
		analyzeSettled(t, conn, s, 0)
	}

	c := New()
	c.cfg.MinSizeBytes = 0
	r := checktest.Run(t, cl, c, checktest.Options{})
	d := decode(t, r)
	for _, s := range shapes {
		tb, ok := find(d, s)
		if !ok || tb.Confidence != High || tb.BloatPct == nil {
			t.Errorf("PG %d %s: not estimated with high confidence: %+v", cl.Major, s, tb)
			continue
		}
		var free, dead float64
		var pages, copyPages int64
		if err := conn.QueryRow(ctx, "SELECT free_percent, dead_tuple_percent FROM pgstattuple($1::regclass)", s).Scan(&free, &dead); err != nil {
			t.Fatal(err)
		}
		// What a rewrite frees: VACUUM FULL, the rewrite the finding recommends (a copy by
		// CREATE TABLE AS would store virtual generated columns).
		if err := conn.QueryRow(ctx, "SELECT pg_relation_size($1::regclass) / 8192", s).Scan(&pages); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, "VACUUM FULL "+s); err != nil {
			t.Fatal(err)
		}
		if err := conn.QueryRow(ctx, "SELECT pg_relation_size($1::regclass) / 8192", s).Scan(&copyPages); err != nil {
			t.Fatal(err)
		}
		ref, rewrite := free+dead, 100*float64(pages-copyPages)/float64(pages)
		t.Logf("PG %d %-14s estimate %5.1f%%  pgstattuple %5.1f%% (error %+5.1f)  rewrite frees %5.1f%% (error %+5.1f)",
			cl.Major, s, *tb.BloatPct, ref, *tb.BloatPct-ref, rewrite, *tb.BloatPct-rewrite)
		if math.Abs(*tb.BloatPct-rewrite) > maxRewriteError {
			t.Errorf("PG %d %s: estimate %.1f%% is more than %d points from the %.1f%% VACUUM FULL frees", cl.Major, s, *tb.BloatPct, maxRewriteError, rewrite)
		}
		if math.Abs(*tb.BloatPct-ref) > maxError {
			t.Errorf("PG %d %s: estimate %.1f%% is more than %d points from pgstattuple's %.1f%%", cl.Major, s, *tb.BloatPct, maxError, ref)
		}
	}

	// A table of a few pages: no percentage, no finding, in estimate and measurement.
	tiny, ok := find(d, "tiny_bloated")
	if !ok || tiny.Confidence != TooSmall || tiny.BloatPct != nil || hasObject(r.Findings, "public.tiny_bloated") {
		t.Errorf("PG %d tiny_bloated (%d pages): confidence %s, bloat %v, findings on it %v", cl.Major, tiny.Pages, tiny.Confidence, tiny.BloatPct, hasObject(r.Findings, "public.tiny_bloated"))
	}
	if md, err := render(r); err != nil || !strings.Contains(md, "| too small to judge | – | too small to judge |") {
		t.Errorf("PG %d render of a relation too small to judge: %v\n%s", cl.Major, err, md)
	}
	r = checktest.Run(t, cl, c, checktest.Options{PreciseBloat: true})
	d = decode(t, r)
	if tiny, _ = find(d, "tiny_bloated"); tiny.Measured == nil || tiny.Measured.TooSmall != true || hasObject(r.Findings, "public.tiny_bloated") {
		t.Errorf("PG %d precise tiny_bloated: %+v, findings on it %v; on one-page catalogs: %d", cl.Major, tiny.Measured, hasObject(r.Findings, "public.tiny_bloated"), len(r.WithCode("F004/table-bloat")))
	}

	if md, err := render(r); err != nil || !strings.Contains(md, "| too small to judge (") {
		t.Errorf("PG %d render of a measurement too small to judge: %v\n%s", cl.Major, err, md)
	}

	// Beyond top_n: counted as not estimated.
	c.cfg.TopN = 2
	r = checktest.Run(t, cl, c, checktest.Options{})
	var pgTables int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_class WHERE relkind IN ('r', 'm') AND relpersistence <> 't'").Scan(&pgTables); err != nil {
		t.Fatal(err)
	}
	var f []checks.Finding
	for _, x := range r.WithCode("F004/table-bloat") {
		if x.Severity == checks.Info {
			f = append(f, x)
		}
	}
	if len(f) != 1 || f[0].Count != pgTables-2 || f[0].Severity != checks.Info || !strings.Contains(f[0].Conclusion, checks.Thousands(int64(pgTables))) {
		t.Errorf("PG %d top_n 2 of %d tables: %+v", cl.Major, pgTables, f)
	}
}
