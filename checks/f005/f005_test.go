package f005

import (
	"math"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func int4() column { return column{Len: 4, Align: 4, Visible: true, HasStats: true, Width: 4} }
func int8() column { return column{Len: 8, Align: 8, Visible: true, HasStats: true, Width: 8} }
func text(w float64) column {
	return column{Len: -1, Align: 4, Visible: true, HasStats: true, Width: w, Toastable: true}
}
func ptr[T any](v T) *T { return &v }

// pkey is the primary key on int4 measured on PostgreSQL 15 while writing this check:
// 150,000 entries built by CREATE INDEX took 414 pages (410 leaf, 3 internal, metapage).
func pkey() idxRow {
	return idxRow{Schema: "public", Table: "bloated", Index: "bloated_pkey", Pages: 414, Tuples: 150000, TableTuples: 150000,
		Fillfactor: 90, Unique: true, NAtts: 1, NKeyAtts: 1, BlockSize: 8192, ModsSinceAnalyze: ptr(int64(0)),
		LeadDistinct: ptr(-1.0), Cols: []column{int4()}, Version: 150000}
}

func TestBtreePages(t *testing.T) {
	cases := []struct {
		name    string
		edit    func(*idxRow)
		tuple   float64
		perLeaf float64
		pages   int64
	}{
		{"int4 key, 150k entries (414 pages measured)", func(*idxRow) {}, 20, 366, 414},
		{"int4 key, 100k entries", func(r *idxRow) { r.Tuples = 100000 }, 20, 366, 276},
		// Measured: 1,725 leaf pages, 27 internal, 1,753 in all.
		{"64-character text key (1,753 pages measured)", func(r *idxRow) { r.Cols = []column{text(65)} }, 84, 87, 1753},
		{"NULLs add the bitmap", func(r *idxRow) { c := int4(); c.NullFrac = 0.1; r.Cols = []column{c} }, 28, 261, 580},
		{"int4 then int8 pads", func(r *idxRow) { r.Cols = []column{int4(), int8()} }, 28, 261, 580},
		{"fillfactor 100", func(r *idxRow) { r.Fillfactor = 100 }, 20, 407, 373},
		{"empty index keeps its metapage", func(r *idxRow) { r.Tuples = 0 }, 20, 366, 1},
		// name_ops keeps 'relation_123456' as 16 bytes with its zero byte, not 64.
		{"name key stored as cstring", func(r *idxRow) {
			r.Cols = []column{{Len: -2, Align: 1, Visible: true, HasStats: true, Width: 64, CString: true, CStringWidth: 15}}
		}, 8 + 16 + 4, 261, 580},
		// avg_width 9 stands for 9 to 9.99 bytes: 8 + 9.5 pads to 24, not 8 + 9 to 24.
		{"short text key", func(r *idxRow) { r.Cols = []column{text(7)} }, 8 + 8 + 4, 366, 414},
		{"short text key at the alignment edge", func(r *idxRow) { r.Cols = []column{text(8)} }, 8 + 16 + 4, 261, 580},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := pkey()
			tc.edit(&r)
			tuple, perLeaf, pages := btreePages(r)
			if tuple != tc.tuple || perLeaf != tc.perLeaf || pages != tc.pages {
				t.Fatalf("got %v bytes, %v per leaf, %d pages; want %v, %v, %d", tuple, perLeaf, pages, tc.tuple, tc.perLeaf, tc.pages)
			}
		})
	}
}

func TestConfidence(t *testing.T) {
	nonUnique := func(r *idxRow) { r.Unique = false }
	cases := []struct {
		name   string
		edit   func(*idxRow)
		want   checks.Label
		cause  checks.Label
		reason string
	}{
		{"all visible", func(*idxRow) {}, High, "", ""},
		{"pg_monitor sees nothing", func(r *idxRow) { r.Cols[0] = column{Len: 4, Align: 4} }, Unknown, causeHidden, "1 of 1"},
		{"expression statistics hidden", func(r *idxRow) { r.Cols[0] = column{Len: -1, Align: 4, Expr: true} }, Unknown, causeHidden, "table's owner"},
		{"row-level security", func(r *idxRow) { r.RLSHides = true }, Unknown, causeHidden, "row-level security"},
		{"never analyzed", func(r *idxRow) {
			r.Cols[0].HasStats = false
			r.Cols = append(r.Cols, column{Len: -1, Align: 4, Visible: true})
		}, Unknown, causeMissing, "never analyzed"},
		{"varlena without statistics", func(r *idxRow) { r.Cols = append(r.Cols, column{Len: -1, Align: 4, Visible: true}) }, Unknown, causeMissing, "variable-width"},
		{"reltuples -1", func(r *idxRow) { r.Tuples = -1 }, Unknown, causeMissing, "reltuples is -1"},
		{"fixed width without statistics", func(r *idxRow) { r.Cols = append(r.Cols, column{Len: 8, Align: 8, Visible: true}) }, Low, "", "fixed-width"},
		{"stale at the limit", func(r *idxRow) { r.ModsSinceAnalyze = ptr(int64(30000)) }, High, "", ""},
		{"stale above the limit", func(r *idxRow) { r.ModsSinceAnalyze = ptr(int64(30001)) }, Low, "", "stale"},
		{"partial", func(r *idxRow) { r.Partial = true }, Low, "", "partial"},
		{"name stored as cstring, no values in its statistics to measure", func(r *idxRow) {
			r.Cols = []column{{Len: -2, Align: 1, Visible: true, HasStats: true, Width: 64, CString: true, CStringWidth: -1}}
		}, Low, "", "cstring"},
		{"name stored as cstring, length from its statistics", func(r *idxRow) {
			r.Cols = []column{{Len: -2, Align: 1, Visible: true, HasStats: true, Width: 64, CString: true, CStringWidth: 11}}
		}, High, "", ""},
		{"under min_pages", func(r *idxRow) { r.Pages = 127 }, TooSmall, "", "min_pages"},
		{"toastable column, table with TOAST data", func(r *idxRow) { r.Cols = []column{text(30)}; r.ToastPages = 10 }, Low, "", "TOAST"},
		{"toastable column, TOAST empty", func(r *idxRow) { r.Cols = []column{text(30)} }, High, "", ""},
		{"duplicates on 13+", func(r *idxRow) { nonUnique(r); r.LeadDistinct = ptr(-0.49) }, Low, "", "deduplication"},
		{"few distinct values as a count", func(r *idxRow) { nonUnique(r); r.LeadDistinct = ptr(100.0) }, Low, "", "deduplication"},
		{"half distinct is no dedup concern", func(r *idxRow) { nonUnique(r); r.LeadDistinct = ptr(-0.5) }, High, "", ""},
		{"duplicates on 12: no deduplication", func(r *idxRow) { nonUnique(r); r.LeadDistinct = ptr(-0.01); r.Version = 120000 }, High, "", ""},
		{"unique index", func(r *idxRow) { r.LeadDistinct = ptr(-0.01) }, High, "", ""},
		{"INCLUDE columns disable deduplication", func(r *idxRow) {
			nonUnique(r)
			r.LeadDistinct, r.NAtts = ptr(-0.01), 2
			r.Cols = append(r.Cols, int4())
		}, High, "", ""},
		{"deduplicate_items off", func(r *idxRow) { nonUnique(r); r.LeadDistinct = ptr(-0.01); r.DedupOff = true }, High, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := pkey()
			tc.edit(&r)
			got := estimate(r, New().cfg)
			if got.Confidence != tc.want || got.Cause != tc.cause || !strings.Contains(joinLabels(got.Reasons), tc.reason) {
				t.Fatalf("got %s/%s %q, want %s/%s with %q", got.Confidence, got.Cause, got.Reasons, tc.want, tc.cause, tc.reason)
			}
			if (got.BloatPct == nil) != (tc.want == Unknown || tc.want == TooSmall) {
				t.Fatalf("confidence %s but bloat %v", got.Confidence, got.BloatPct)
			}
		})
	}
	r := pkey()
	r.Pages, r.Tuples = 414, 100000
	got := estimate(r, New().cfg)
	if math.Abs(*got.BloatPct-100*138.0/414) > 1e-9 || *got.BloatBytes != 138*8192 {
		t.Fatalf("bloat %v%%, %v bytes", *got.BloatPct, *got.BloatBytes)
	}
}

func TestMeasured(t *testing.T) {
	cases := []struct {
		name string
		s    stat
		want float64
	}{
		// pgstatindex of the int4 key after deleting a third: 60.13% density.
		{"sparse leaves", stat{size: 414 * 8192, internal: 3, leaf: 410, density: 60.13}, 100 * (1 - (410*60.13/90+4)/414)},
		{"fresh build is no bloat", stat{size: 414 * 8192, internal: 3, leaf: 410, density: 90.05}, 0},
		{"deleted pages are bloat", stat{size: 200 * 8192, internal: 1, leaf: 98, deleted: 100, density: 90}, 100 * (1 - 100.0/200)},
		{"no leaf pages", stat{size: 10 * 8192, internal: 0, leaf: 0, empty: 9, density: math.NaN()}, 90},
	}
	for _, tc := range cases {
		m := measured(tc.s, 90, 8192, 0)
		if math.Abs(m.BloatPct-tc.want) > 1e-9 || math.IsNaN(m.AvgLeafDensity) {
			t.Errorf("%s: %v, want %v", tc.name, m.BloatPct, tc.want)
		}
	}
}

func TestAnalyze(t *testing.T) {
	idx := func(name string, conf checks.Label, pct float64) Index {
		x := Index{Schema: "public", Table: "t", Index: checks.Name(name), SizeBytes: 1 << 30, Fillfactor: 90, Confidence: conf}
		if conf != Unknown {
			b := int64(pct / 100 * (1 << 30))
			x.BloatPct, x.BloatBytes = &pct, &b
		} else {
			x.Cause = causeHidden
		}
		return x
	}
	withCause := func(x Index, c checks.Label) Index { x.Cause = c; return x }
	meas := func(x Index, pct float64) Index { x.Measured = &Measured{BloatPct: pct, IndexBytes: 1 << 30}; return x }
	cases := []struct {
		name    string
		indexes []Index
		precise Precise
		want    map[string]checks.Severity
	}{
		{"below P2", []Index{idx("a", High, 39.9)}, Precise{}, nil},
		{"P2 from 40", []Index{idx("a", High, 40)}, Precise{}, map[string]checks.Severity{"F005/index-bloat": checks.P2}},
		{"P2 below 90", []Index{idx("a", High, 89.9)}, Precise{}, map[string]checks.Severity{"F005/index-bloat": checks.P2}},
		{"P1 from 90", []Index{idx("a", High, 90)}, Precise{}, map[string]checks.Severity{"F005/index-bloat": checks.P1}},
		{"low confidence is info", []Index{idx("a", Low, 60)}, Precise{}, map[string]checks.Severity{"F005/low-confidence": checks.Info}},
		{"low confidence below P2 is silent", []Index{idx("a", Low, 39.9)}, Precise{}, nil},
		{"hidden", []Index{idx("a", Unknown, 0), idx("b", Unknown, 0)}, Precise{}, map[string]checks.Severity{"F005/stats-not-visible": checks.Info}},
		{"missing", []Index{withCause(idx("a", Unknown, 0), causeMissing)}, Precise{}, map[string]checks.Severity{"F005/stats-missing": checks.Info}},
		{"measurement beats unknown", []Index{meas(idx("a", Unknown, 0), 40)}, Precise{Requested: true, Measured: 1}, map[string]checks.Severity{"F005/index-bloat": checks.P2}},
		{"measurement beats estimate", []Index{meas(idx("a", High, 95), 30)}, Precise{Requested: true, Measured: 1}, nil},
		{"precise not possible", nil, Precise{Requested: true, Problem: "permission denied"}, map[string]checks.Severity{"F005/precise-unavailable": checks.Info}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := analyze(Data{Indexes: tc.indexes, Precise: tc.precise}, New().cfg)
			got := map[string]checks.Severity{}
			for _, f := range fs {
				got[f.Code] = f.Severity
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

// An index of a few pages: pgstatindex's figures stay, the bloat is not given.
func TestMeasuredTooSmall(t *testing.T) {
	s := stat{size: 3 * 8192, leaf: 2, density: 10}
	if m := measured(s, 90, 8192, 128); !m.TooSmall || m.BloatPct != 0 || m.BloatBytes != 0 || m.LeafPages != 2 {
		t.Fatalf("3 pages: %+v", m)
	}
	s = stat{size: 128 * 8192, leaf: 126, internal: 1, density: 45}
	if m := measured(s, 90, 8192, 128); m.TooSmall || math.Abs(m.BloatPct-100*(1-65.0/128)) > 1e-9 {
		t.Fatalf("128 pages: %+v", m)
	}
}

func TestUnlisted(t *testing.T) {
	d := Data{MinSizeBytes: 1 << 20, Total: 24473, Indexes: make([]Index, 100)}
	for i := range d.Indexes {
		d.Indexes[i] = Index{Schema: "s", Index: "i", Confidence: TooSmall}
	}
	fs := analyze(d, New().cfg)
	if len(fs) != 1 || fs[0].Code != "F005/index-bloat" || fs[0].Severity != checks.Info || fs[0].Count != 24373 ||
		!strings.Contains(fs[0].Conclusion, "24,473 btree indexes of at least 1.0 MiB in all; the 100 largest (by pages) are listed, 24,373 more are not") {
		t.Fatalf("%+v", fs)
	}
	d.Total = 100
	if fs := analyze(d, New().cfg); len(fs) != 0 {
		t.Fatalf("all listed: %+v", fs)
	}
}
