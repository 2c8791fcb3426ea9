package l003

import (
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
	got = analyze(Data{Total: 5, NotRead: 4, MaxSequences: 1}, cfg)
	if len(got) != 1 || got[0].Code != "L003/not-read" || got[0].Severity != checks.Info {
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
