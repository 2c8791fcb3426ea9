package l003

import (
	"slices"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func col(pct float64, state checks.Label) Column {
	last := int64(pct / 100 * 2147483647)
	return Column{Schema: "s", Table: "t", Column: "id", Type: "integer", SeqSchema: "s", Sequence: "t_id_seq",
		SeqType: "integer", State: state, LastValue: &last, UsedPct: &pct,
		AlterCol: "ALTER TABLE s.t ALTER COLUMN id TYPE bigint;", AlterSeq: "ALTER SEQUENCE s.t_id_seq AS bigint;"}
}

func TestAnalyzeCapacity(t *testing.T) {
	cfg := New().cfg
	cases := []struct {
		name string
		c    Column
		want checks.Severity // -1: no finding
		text string
	}{
		{"below p2", col(49.99, StateRead), -1, ""},
		{"at p2", col(50, StateRead), checks.P2, "50.0%"},
		{"below p1", col(74.99, StateRead), checks.P2, ""},
		{"at p1", col(75, StateRead), checks.P1, "ALTER SEQUENCE s.t_id_seq AS bigint;"},
		{"exhausted", col(100.5, StateRead), checks.P1, "exhausted"},
		{"not visible", Column{State: StateNotVisible}, -1, ""},
		{"unused", Column{State: StateUnused}, -1, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := analyze(Data{Columns: []Column{tc.c}}, cfg)
			if tc.want < 0 {
				if len(got) != 0 {
					t.Fatalf("want no finding, got %+v", got)
				}
				return
			}
			if len(got) != 1 || got[0].Code != "L003/integer-capacity" || got[0].Severity != tc.want {
				t.Fatalf("got %+v, want %v", got, tc.want)
			}
			if !strings.Contains(got[0].Conclusion+got[0].Recommendation, tc.text) {
				t.Errorf("%q missing: %s %s", tc.text, got[0].Conclusion, got[0].Recommendation)
			}
		})
	}
	wider := col(80, StateRead)
	wider.SeqType, wider.AlterSeq = "bigint", ""
	got := analyze(Data{Columns: []Column{wider}}, cfg)
	if len(got) != 1 || !strings.Contains(got[0].Conclusion, "overflows first") || strings.Contains(got[0].Recommendation, "ALTER SEQUENCE") {
		t.Errorf("wider sequence: %+v", got)
	}
	cycling := col(60, StateRead)
	cycling.Cycle = true
	if got := analyze(Data{Columns: []Column{cycling}}, cfg); !strings.Contains(got[0].Conclusion, "duplicate keys") {
		t.Errorf("cycle: %+v", got)
	}
}

func TestAnalyzeUnknown(t *testing.T) {
	cfg := New().cfg
	d := Data{Total: 3, NotVisible: 2, User: "Mon", SchemaGrants: []checks.Definition{`GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO "Mon";`}}
	got := analyze(d, cfg)
	if len(got) != 1 || got[0].Code != "L003/last-value-not-visible" || got[0].Severity != checks.P3 {
		t.Fatalf("got %+v", got)
	}
	for _, want := range []string{`GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO "Mon";`, `TO "Mon";`, "2 of 3"} {
		if !strings.Contains(got[0].Conclusion+got[0].Recommendation, want) {
			t.Errorf("%q missing: %+v", want, got[0])
		}
	}
	got = analyze(Data{Total: 5, NotRead: 4}, cfg)
	if len(got) != 1 || got[0].Code != "L003/not-read" || got[0].Severity != checks.Info || got[0].Weight() != 4 {
		t.Fatalf("not read: %+v", got)
	}
}

func TestState(t *testing.T) {
	for _, tc := range []struct {
		visible, read, value bool
		want                 checks.Label
	}{
		{false, true, false, StateNotVisible},
		{false, false, false, StateNotVisible},
		{true, false, false, StateNotRead},
		{true, true, false, StateUnused},
		{true, true, true, StateRead},
	} {
		if got := state(tc.visible, tc.read, tc.value); got != tc.want {
			t.Errorf("state(%v, %v, %v) = %s, want %s", tc.visible, tc.read, tc.value, got, tc.want)
		}
	}
	if checks.QuoteIdent("mon") != "mon" || checks.QuoteIdent("Mon") != `"Mon"` || checks.QuoteIdent(`a"b`) != `"a""b"` || checks.QuoteIdent("1a") != `"1a"` {
		t.Error("quoteIdent")
	}
}

func TestAnalyzeUnlisted(t *testing.T) {
	cfg := New().cfg
	d := Data{Columns: []Column{col(80, StateRead), col(60, StateRead), col(10, StateRead)}, AtP1: 5, AtP2: 3}
	weight := map[checks.Severity]int{}
	for _, f := range analyze(d, cfg) {
		if f.Code != "L003/integer-capacity" {
			t.Fatalf("unexpected %+v", f)
		}
		weight[f.Severity] += f.Weight()
	}
	if weight[checks.P1] != 5 || weight[checks.P2] != 3 {
		t.Errorf("counted %v, want every column: 5 at P1, 3 at P2", weight)
	}
	d.AtP1, d.AtP2 = 1, 1
	if got := analyze(d, cfg); len(got) != 2 {
		t.Errorf("all listed: want only the two listed findings, got %+v", got)
	}
	d = Data{Columns: []Column{}, AtP2: 7}
	got := analyze(d, cfg)
	if len(got) != 1 || got[0].Weight() != 7 || !strings.Contains(got[0].Conclusion, "none are listed") {
		t.Errorf("nothing listed: %+v", got)
	}
}

func TestSummarize(t *testing.T) {
	cfg := New().cfg
	cfg.TopN = 3
	v := func(n int64) *int64 { return &n }
	cand := func(table string, int2 bool, inc, last int64, visible, read, locked bool) candidate {
		return candidate{Column: Column{Schema: "s", Table: checks.Name(table), Column: "id", SeqSchema: "s", Sequence: checks.Name(table + "_seq"),
			SeqType: "integer", Increment: inc, SeqMin: 1, SeqMax: 2147483647, LastValue: func() *int64 {
				if last == 0 {
					return nil
				}
				return v(last)
			}()}, seq: uint32(len(table)), int2: int2, visible: visible, read: read, locked: locked}
	}
	cols := []candidate{
		cand("low", false, 1, 10, true, true, false),
		cand("hidden", false, 1, 0, false, false, false),
		cand("p1", false, 1, 2000000000, true, true, false),
		cand("p2", true, 1, 20000, true, true, false), // int2: 61%
		cand("unused", false, 1, 0, true, true, false),
		cand("locked", false, 1, 5, true, true, true),
		cand("standby", false, 1, 0, true, false, false),
	}
	d := summarize(cols, cfg, "Mon")
	if d.Total != 7 || d.AtP1 != 1 || d.AtP2 != 1 || d.NotVisible != 1 || d.NotRead != 1 || d.Unused != 1 || !d.Truncated {
		t.Fatalf("%+v", d)
	}
	if len(d.Columns) != 3 || d.Columns[0].Table != "p1" || d.Columns[1].Table != "p2" || d.Columns[2].Table != "low" {
		t.Fatalf("fullest first: %+v", d.Columns)
	}
	if p := *d.Columns[1].UsedPct; p < 61.03 || p > 61.05 {
		t.Errorf("int2 share %.3f", p)
	}
	if d.Columns[0].AlterCol != "ALTER TABLE s.p1 ALTER COLUMN id TYPE bigint;" || d.Columns[0].AlterSeq != "ALTER SEQUENCE s.p1_seq AS bigint;" ||
		d.Columns[0].Grant != `GRANT SELECT ON SEQUENCE s.p1_seq TO "Mon";` {
		t.Errorf("statements: %+v", d.Columns[0])
	}
	if len(d.SchemaGrants) != 1 || d.SchemaGrants[0] != `GRANT SELECT ON ALL SEQUENCES IN SCHEMA s TO "Mon";` {
		t.Errorf("grants %v", d.SchemaGrants)
	}
	if len(d.Locked) != 1 || d.Locked[0].Name != "locked_seq" {
		t.Errorf("locked %v", d.Locked)
	}
	// descending: the share counts from the top of the range down
	down := candidate{Column: Column{Increment: -1, SeqMin: -2147483648, SeqMax: -1, LastValue: v(-1000000000)}}
	if p := usedPct(&down); p < 46.56 || p > 46.58 {
		t.Errorf("descending %.3f", p)
	}
}

// TestToName: names are fetched for the top_n fullest, for every column tied with the
// last of them (rows and names decide among those), and for the locked ones; not for
// the rest, which the listing cannot show.
func TestToName(t *testing.T) {
	v := func(n int64) *int64 { return &n }
	col := func(last int64, visible, locked bool) candidate {
		x := candidate{Column: Column{Increment: 1, SeqMin: 1, SeqMax: 2147483647}, visible: visible, read: visible, locked: locked}
		if last > 0 {
			x.LastValue = v(last)
		}
		return x
	}
	cols := []candidate{
		col(10, true, false),         // 0: low
		col(2000000000, true, false), // 1: fullest
		col(1000000000, true, false), // 2: tied
		col(1000000000, true, false), // 3: tied
		col(1000000000, true, false), // 4: tied
		col(0, false, false),         // 5: not visible
		col(5, true, true),           // 6: locked
	}
	judge(cols)
	got := toName(cols, 2)
	slices.Sort(got)
	if !slices.Equal(got, []int{1, 2, 3, 4, 6}) {
		t.Errorf("top 2: %v", got)
	}
	if got := toName(cols, 0); !slices.Equal(got, []int{6}) {
		t.Errorf("top 0: %v", got)
	}
	if got := toName(cols, 10); len(got) != len(cols) {
		t.Errorf("top 10: %v", got)
	}
}
