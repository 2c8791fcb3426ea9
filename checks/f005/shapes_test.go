package f005

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// maxError is the error, in percentage points against pgstatindex, that the documentation
// states for high-confidence estimates.
const maxError = 5

// Index shapes the width model has to get right, each estimated against pgstatindex
// (1 - avg_leaf_density / fillfactor, after VACUUM): int and text keys (the first
// test's), a short text key, and name keys, which name_ops stores as a cstring of the
// string's length, not the 64 bytes of the type. An index of a few pages is too small to
// judge. Indexes beyond top_n are counted, not dropped.
func TestShapes(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"fsync": "off", "autovacuum": "off"}})
	cl.MustExec(t, "postgres", `
CREATE EXTENSION pgstattuple;
CREATE TABLE bloated (id int PRIMARY KEY, n bigint, payload text);
INSERT INTO bloated SELECT g, g * 7, md5(g::text) || md5((g * 3)::text) FROM generate_series(1, 150000) g;
CREATE INDEX bloated_payload ON bloated (payload);
CREATE INDEX bloated_lower ON bloated (lower(payload));
DELETE FROM bloated WHERE id % 2 = 0;
UPDATE bloated SET payload = md5(payload) WHERE id % 8 = 1;
CREATE TABLE fresh (id bigint, flag boolean, label text);
INSERT INTO fresh SELECT g, g % 2 = 0, 'label ' || g FROM generate_series(1, 100000) g;
CREATE UNIQUE INDEX fresh_id ON fresh (id);
CREATE UNIQUE INDEX fresh_label ON fresh (label);
CREATE TABLE names (id int, n name, s text);
INSERT INTO names SELECT g, 'name_' || g, 'k' || g FROM generate_series(1, 200000) g;
CREATE UNIQUE INDEX names_fresh ON names (n);
CREATE UNIQUE INDEX names_short_text ON names (s);
CREATE TABLE names2 (id int, n name);
INSERT INTO names2 SELECT g, 'relation_' || g FROM generate_series(1, 200000) g;
CREATE UNIQUE INDEX names_bloated ON names2 (n);
CREATE UNIQUE INDEX names_pair ON names2 (n, id);
DELETE FROM names2 WHERE id % 3 <> 0;
CREATE TABLE tiny (id int);
INSERT INTO tiny SELECT generate_series(1, 5000);
CREATE UNIQUE INDEX tiny_bloated ON tiny (id);
DELETE FROM tiny WHERE id % 100 <> 0;`)
	cl.MustExec(t, "postgres", "VACUUM bloated, names2, tiny")
	conn, err := cl.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, s := range []string{"bloated", "fresh", "names", "names2", "tiny"} {
		analyzeSettled(t, conn, s, 0)
	}

	c := New()
	c.cfg.MinSizeBytes = 0
	r := checktest.Run(t, cl, c, checktest.Options{})
	d := decode(t, r)
	for _, name := range []string{"bloated_pkey", "bloated_payload", "bloated_lower", "fresh_id", "fresh_label",
		"names_fresh", "names_short_text", "names_bloated", "names_pair"} {
		x, ok := find(d, name)
		if !ok || x.BloatPct == nil {
			t.Errorf("PG %d %s: no estimate: %+v", cl.Major, name, x)
			continue
		}
		var density float64
		if err := conn.QueryRow(ctx, "SELECT avg_leaf_density FROM pgstatindex($1::regclass)", name).Scan(&density); err != nil {
			t.Fatal(err)
		}
		ref := 100 * (1 - density/90)
		t.Logf("PG %d %-16s estimate %5.1f%% (%s)  pgstatindex %5.1f%%  error %+5.1f", cl.Major, name, *x.BloatPct, x.Confidence, ref, *x.BloatPct-ref)
		if x.Confidence != High {
			t.Errorf("PG %d %s: confidence %s: %s", cl.Major, name, x.Confidence, joinLabels(x.Reasons))
		}
		if math.Abs(*x.BloatPct-ref) > maxError {
			t.Errorf("PG %d %s: estimate %.1f%% is more than %d points from pgstatindex's %.1f%%", cl.Major, name, *x.BloatPct, maxError, ref)
		}
	}

	// An index of a few pages: no percentage, no finding, in estimate and measurement.
	tiny, ok := find(d, "tiny_bloated")
	if !ok || tiny.Confidence != TooSmall || tiny.BloatPct != nil || hasObject(r.Findings, "public.tiny_bloated") {
		t.Errorf("PG %d tiny_bloated (%d pages): confidence %s, bloat %v, findings on it %v", cl.Major, tiny.Pages, tiny.Confidence, tiny.BloatPct, hasObject(r.Findings, "public.tiny_bloated"))
	}
	if md, err := render(r); err != nil || !strings.Contains(md, "| too small to judge | – | too small to judge |") {
		t.Errorf("PG %d render of a relation too small to judge: %v\n%s", cl.Major, err, md)
	}
	r = checktest.Run(t, cl, c, checktest.Options{PreciseBloat: true})
	d = decode(t, r)
	if tiny, _ = find(d, "tiny_bloated"); tiny.Measured == nil || !tiny.Measured.TooSmall || hasObject(r.Findings, "public.tiny_bloated") {
		t.Errorf("PG %d precise tiny_bloated: %+v, findings on it %v", cl.Major, tiny.Measured, hasObject(r.Findings, "public.tiny_bloated"))
	}

	if md, err := render(r); err != nil || !strings.Contains(md, "| too small to judge (") {
		t.Errorf("PG %d render of a measurement too small to judge: %v\n%s", cl.Major, err, md)
	}

	// Beyond top_n: counted as not estimated.
	c.cfg.TopN = 2
	r = checktest.Run(t, cl, c, checktest.Options{})
	var all int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
		WHERE c.relam = (SELECT oid FROM pg_am WHERE amname = 'btree') AND c.relpersistence <> 't' AND i.indisvalid AND i.indisready`).Scan(&all); err != nil {
		t.Fatal(err)
	}
	var f []checks.Finding
	for _, x := range r.WithCode("F005/index-bloat") {
		if x.Severity == checks.Info {
			f = append(f, x)
		}
	}
	if len(f) != 1 || f[0].Count != all-2 || !strings.Contains(f[0].Conclusion, checks.Thousands(int64(all))) {
		t.Errorf("PG %d top_n 2 of %d indexes: %+v", cl.Major, all, f)
	}
}
