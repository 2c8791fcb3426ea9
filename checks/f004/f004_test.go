package f004

import (
	"math"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func int4() column { return column{Len: 4, Align: 4, Visible: true, HasStats: true, Width: 4} }
func int8() column { return column{Len: 8, Align: 8, Visible: true, HasStats: true, Width: 8} }
func text(w float64) column {
	return column{Len: -1, Align: 4, Visible: true, HasStats: true, Width: w}
}

// row is the table measured on PostgreSQL 15 while writing this check: (id int4, n int8,
// created timestamptz, payload text of 64 characters), 100,000 live rows in 2,320 pages;
// CREATE TABLE AS of it took 1,539 pages.
func row() relRow {
	return relRow{Schema: "public", Name: "bloated", Pages: 2320, Tuples: 100000, Fillfactor: 100, BlockSize: 8192,
		ModsSinceAnalyze: ptr(int64(0)), Cols: []column{int4(), int8(), int8(), text(65)}}
}

func ptr[T any](v T) *T { return &v }

func TestHeapPages(t *testing.T) {
	cases := []struct {
		name    string
		edit    func(*relRow)
		tuple   float64
		perPage float64
		pages   int64
	}{
		{"measured table", func(*relRow) {}, 124, 65, 1539},
		{"fresh copy, 150k rows", func(r *relRow) { r.Tuples = 150000 }, 124, 65, 2308},
		{"fillfactor 70 keeps 2457 bytes free", func(r *relRow) { r.Fillfactor = 70 }, 124, 46, 2174},
		{"padding before an int8 after an int4", func(r *relRow) { r.Cols = []column{int4(), int8()} }, 24 + 16 + 4, 185, 541},
		{"no padding when the int4 is NULL", func(r *relRow) {
			c := int4()
			c.NullFrac = 1
			r.Cols = []column{c, int8()}
		}, 24 + 8 + 4, 226, 443},
		{"toasted value counts its 18-byte pointer", func(r *relRow) {
			r.Tuples, r.Cols = 2000, []column{int4(), text(18)}
		}, 52, 157, 13},
		{"long varlena is int-aligned", func(r *relRow) {
			r.Cols = []column{column{Len: 1, Align: 1, Visible: true, HasStats: true, Width: 1}, text(200)}
		}, 24 + 208 + 4, 34, 2942},
		{"null bitmap of 9 columns", func(r *relRow) {
			c := int4()
			c.NullFrac = 0.5
			r.Cols = []column{c, int4(), int4(), int4(), int4(), int4(), int4(), int4(), int4()}
		}, 32 + 40 + 4, 107, 935},
		{"dropped column forces the bitmap", func(r *relRow) {
			r.Cols = []column{int4(), {Len: 4, Align: 4, Dropped: true}, int4(), int4(), int4(), int4(), int4(), int4(), int4()}
		}, 32 + 32 + 4, 120, 834},
		{"tiny rows stop at MaxHeapTuplesPerPage", func(r *relRow) { r.Cols = nil }, 28, 291, 344},
		// Measured on 15: (int4, text of 2 to 4 characters) takes 31 to 33 bytes, 40 aligned;
		// avg_width says 4 for an average of 4.9, so 4 + 4 would wrongly fit in 8.
		{"narrow row: avg_width is truncated", func(r *relRow) { r.Cols = []column{int4(), text(4)} }, 24 + 16 + 4, 185, 541},
		// Virtual generated columns (18) are stored as NULL: a bit each in the bitmap, no bytes.
		{"virtual generated columns take only their null bits", func(r *relRow) {
			r.Cols = []column{int4(), int4(), {Len: -1, Align: 4, Virtual: true}, {Len: 8, Align: 8, Virtual: true}}
		}, 24 + 8 + 4, 226, 443},
		{"empty table", func(r *relRow) { r.Tuples = 0 }, 124, 65, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := row()
			tc.edit(&r)
			tuple, perPage, pages := heapPages(r)
			if tuple != tc.tuple || perPage != tc.perPage || pages != tc.pages {
				t.Fatalf("got tuple %v, %v per page, %d pages; want %v, %v, %d", tuple, perPage, pages, tc.tuple, tc.perPage, tc.pages)
			}
		})
	}
}

func TestConfidence(t *testing.T) {
	hidden := func(r *relRow) {
		for i := range r.Cols {
			r.Cols[i] = column{Len: r.Cols[i].Len, Align: r.Cols[i].Align}
		}
	}
	cases := []struct {
		name   string
		edit   func(*relRow)
		want   checks.Label
		cause  checks.Label
		reason string
	}{
		{"all statistics visible", func(*relRow) {}, High, "", ""},
		{"pg_monitor sees no pg_stats rows", hidden, Unknown, causeHidden, "cannot read the statistics of 4 of 4 columns"},
		{"one column not granted", func(r *relRow) { r.Cols[3].Visible, r.Cols[3].HasStats = false, false }, Unknown, causeHidden, "1 of 4"},
		{"row-level security", func(r *relRow) { r.RLSHides = true }, Unknown, causeHidden, "row-level security"},
		{"never analyzed on 14+", func(r *relRow) { r.Tuples = -1 }, Unknown, causeMissing, "reltuples is -1"},
		{"never analyzed and hidden: ANALYZE first", func(r *relRow) { hidden(r); r.Tuples = -1 }, Unknown, causeMissing, "reltuples is -1"},
		{"no statistics at all", func(r *relRow) {
			for i := range r.Cols {
				r.Cols[i].HasStats = false
			}
		}, Unknown, causeMissing, "never analyzed"},
		{"varlena without statistics", func(r *relRow) { r.Cols[3].HasStats = false }, Unknown, causeMissing, "1 variable-width"},
		{"fixed-width without statistics", func(r *relRow) { r.Cols[1].HasStats = false }, Low, "", "1 fixed-width"},
		{"changes at the stale limit", func(r *relRow) { r.ModsSinceAnalyze = ptr(int64(20000)) }, High, "", ""},
		{"changes above the stale limit", func(r *relRow) { r.ModsSinceAnalyze = ptr(int64(20001)) }, Low, "", "stale"},
		{"dropped column is no missing statistic", func(r *relRow) { r.Cols = append(r.Cols, column{Len: -1, Align: 4, Dropped: true}) }, High, "", ""},
		{"virtual generated column is no missing statistic", func(r *relRow) { r.Cols = append(r.Cols, column{Len: -1, Align: 4, Virtual: true}) }, High, "", ""},
		{"under min_pages", func(r *relRow) { r.Pages = 127 }, TooSmall, "", "under min_pages (128)"},
		{"under min_pages and never analyzed", func(r *relRow) { r.Pages, r.Tuples = 12, -1 }, TooSmall, "", "reltuples is -1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := row()
			tc.edit(&r)
			got := estimate(r, New().cfg)
			if got.Confidence != tc.want || got.Cause != tc.cause || !strings.Contains(joinLabels(got.Reasons), tc.reason) {
				t.Fatalf("got %s/%s %q, want %s/%s with %q", got.Confidence, got.Cause, got.Reasons, tc.want, tc.cause, tc.reason)
			}
			if (got.BloatPct == nil) != (tc.want == Unknown || tc.want == TooSmall) {
				t.Fatalf("confidence %s but bloat %v: an unknown estimate must carry no number", got.Confidence, got.BloatPct)
			}
		})
	}
	got := estimate(row(), New().cfg)
	if math.Abs(*got.BloatPct-100*781.0/2320) > 1e-9 || *got.BloatBytes != 781*8192 || *got.MinPages != 1539 {
		t.Fatalf("bloat %v%% %v bytes %v pages", *got.BloatPct, *got.BloatBytes, *got.MinPages)
	}
}

func TestMeasured(t *testing.T) {
	cases := []struct {
		name             string
		free, dead, size int64
		ff               int
		want             float64
	}{
		{"half free", 500, 0, 1000, 100, 50},
		{"free and dead add up", 300, 200, 1000, 100, 50},
		{"fillfactor reserve is not bloat", 290, 0, 1000, 70, 0},
		{"beyond the reserve", 650, 0, 1000, 70, 100 * (1 - 0.35/(1-2457.0/8192))},
		{"empty file", 0, 0, 0, 100, 0},
	}
	for _, tc := range cases {
		m := measured(approx{tableLen: tc.size, freeSpace: tc.free, deadLen: tc.dead}, tc.ff, 8192, 0)
		if math.Abs(m.BloatPct-tc.want) > 1e-9 {
			t.Errorf("%s: %v, want %v", tc.name, m.BloatPct, tc.want)
		}
	}
}

func TestAnalyze(t *testing.T) {
	tbl := func(name string, conf checks.Label, pct float64) Table {
		t := Table{Schema: "public", Table: checks.Name(name), Kind: "table", SizeBytes: 1 << 30, Fillfactor: 100, Confidence: conf}
		if conf != Unknown {
			b := int64(pct / 100 * (1 << 30))
			t.BloatPct, t.BloatBytes = &pct, &b
		} else {
			t.Cause = causeHidden
		}
		return t
	}
	withCause := func(t Table, c checks.Label) Table { t.Cause = c; return t }
	meas := func(t Table, pct float64) Table { t.Measured = &Measured{BloatPct: pct, TableBytes: 1 << 30}; return t }
	cases := []struct {
		name    string
		tables  []Table
		precise Precise
		want    map[string]checks.Severity
	}{
		{"below P2", []Table{tbl("a", High, 39.9)}, Precise{}, nil},
		{"P2 from 40", []Table{tbl("a", High, 40)}, Precise{}, map[string]checks.Severity{"F004/table-bloat": checks.P2}},
		{"P2 just below 90", []Table{tbl("a", High, 89.9)}, Precise{}, map[string]checks.Severity{"F004/table-bloat": checks.P2}},
		{"P1 from 90", []Table{tbl("a", High, 90)}, Precise{}, map[string]checks.Severity{"F004/table-bloat": checks.P1}},
		{"low confidence is info", []Table{tbl("a", Low, 95)}, Precise{}, map[string]checks.Severity{"F004/low-confidence": checks.Info}},
		{"low confidence below P2 is silent", []Table{tbl("a", Low, 39.9)}, Precise{}, nil},
		{"hidden statistics", []Table{tbl("a", Unknown, 0), tbl("b", Unknown, 0)}, Precise{}, map[string]checks.Severity{"F004/stats-not-visible": checks.Info}},
		{"missing statistics", []Table{withCause(tbl("a", Unknown, 0), causeMissing)}, Precise{}, map[string]checks.Severity{"F004/stats-missing": checks.Info}},
		{"measurement beats unknown", []Table{meas(tbl("a", Unknown, 0), 91)}, Precise{Requested: true, Measured: 1}, map[string]checks.Severity{"F004/table-bloat": checks.P1}},
		{"measurement beats estimate", []Table{meas(tbl("a", High, 60), 10)}, Precise{Requested: true, Measured: 1}, nil},
		{"precise not possible", []Table{tbl("a", High, 10)}, Precise{Requested: true, Problem: "extension missing"}, map[string]checks.Severity{"F004/precise-unavailable": checks.Info}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := analyze(Data{Tables: tc.tables, Precise: tc.precise}, New().cfg)
			got := map[string]checks.Severity{}
			for _, f := range fs {
				got[f.Code] = f.Severity
				if len(f.Objects) == 0 && f.Code != "F004/precise-unavailable" {
					t.Errorf("%s has no objects", f.Code)
				}
			}
			if len(got) != len(tc.want) || len(fs) != len(tc.want) {
				t.Fatalf("got %v (%d findings), want %v", got, len(fs), tc.want)
			}
			for code, sev := range tc.want {
				if got[code] != sev {
					t.Errorf("%s: got %v, want %v", code, got[code], sev)
				}
			}
		})
	}
}

func TestQuoteIdent(t *testing.T) {
	for in, want := range map[string]string{"public": "public", "t_1": "t_1", "User": `"User"`, "order": `"order"`,
		`a"b`: `"a""b"`, "1t": `"1t"`, "a b": `"a b"`, "": `""`} {
		if got := checks.QuoteIdent(in); got != want {
			t.Errorf("checks.QuoteIdent(%q) = %s, want %s", in, got, want)
		}
	}
}

// A table of a few pages: pgstattuple_approx's figures stay, the bloat is not given.
func TestMeasuredTooSmall(t *testing.T) {
	if m := measured(approx{tableLen: 8192, freeSpace: 8000}, 100, 8192, 128); !m.TooSmall || m.BloatPct != 0 || m.BloatBytes != 0 || m.FreePct < 97 {
		t.Fatalf("one page: %+v", m)
	}
	if m := measured(approx{tableLen: 128 * 8192, freeSpace: 64 * 8192}, 100, 8192, 128); m.TooSmall || m.BloatPct != 50 {
		t.Fatalf("128 pages: %+v", m)
	}
}

func TestUnlisted(t *testing.T) {
	d := Data{MinSizeBytes: 1 << 20, Total: 24473, Tables: make([]Table, 100)}
	for i := range d.Tables {
		d.Tables[i] = Table{Schema: "s", Table: "t", Kind: "table", Confidence: TooSmall}
	}
	fs := analyze(d, New().cfg)
	if len(fs) != 1 || fs[0].Code != "F004/table-bloat" || fs[0].Severity != checks.Info || fs[0].Count != 24373 ||
		!strings.Contains(fs[0].Conclusion, "24,473 tables and materialized views of at least 1.0 MiB in all; the 100 largest (by pages) are listed, 24,373 more are not") {
		t.Fatalf("%+v", fs)
	}
	d.Total = 100
	if fs := analyze(d, New().cfg); len(fs) != 0 {
		t.Fatalf("all listed: %+v", fs)
	}
}
