package l002

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func TestAnalyzeKeys(t *testing.T) {
	cfg := New().cfg
	key := func(pct float64) Key {
		return Key{Schema: "s", Table: "t", Column: "id", Type: "integer", PK: true, Fed: true, RowsPct: pct,
			Fix: "ALTER TABLE s.t ALTER COLUMN id TYPE bigint;"}
	}
	cases := []struct {
		name string
		pct  float64
		want checks.Severity // -1: none
	}{
		{"below p3", cfg.KeyP3Pct - 0.01, -1},
		{"at p3", cfg.KeyP3Pct, checks.P3},
		{"below p2", cfg.KeyP2Pct - 0.01, checks.P3},
		{"at p2", cfg.KeyP2Pct, checks.P2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := analyze(Data{Keys: []Key{key(tc.pct)}}, cfg)
			if tc.want < 0 {
				if len(got) != 0 {
					t.Fatalf("want none, got %+v", got)
				}
				return
			}
			if len(got) != 1 || got[0].Code != "L002/small-integer-key" || got[0].Severity != tc.want {
				t.Fatalf("got %+v, want %v", got, tc.want)
			}
			if !strings.Contains(got[0].Recommendation, "ALTER TABLE s.t ALTER COLUMN id TYPE bigint;") ||
				!strings.Contains(got[0].Conclusion, "the primary key, fed by a sequence") {
				t.Errorf("text: %+v", got[0])
			}
		})
	}
}

func TestAnalyzeOthers(t *testing.T) {
	cfg := New().cfg
	d := Data{
		Mismatches: []Mismatch{{Schema: "s", Table: "c", Constraint: "c_fk", Column: "pid", Type: "integer",
			RefSchema: "s", RefTable: "p", RefColumn: "id", RefType: "bigint", Fix: "ALTER TABLE s.c ALTER COLUMN pid TYPE bigint;"}},
		Tables: []TypeTable{
			{Schema: "s", Table: "a", Timestamp: []checks.Name{"at"}, Money: []checks.Name{"price"}},
			{Schema: "s", Table: "b", Timestamp: []checks.Name{"x", "y"}},
		},
		TimestampColumns: 3, TimestampTables: 2, MoneyColumns: 1, MoneyTables: 1,
	}
	got := map[string]checks.Finding{}
	for _, f := range analyze(d, cfg) {
		got[f.Code] = f
	}
	if len(got) != 3 {
		t.Fatalf("got %+v", got)
	}
	if f := got["L002/fk-type-mismatch"]; f.Severity != checks.P3 || !strings.Contains(f.Recommendation, "TYPE bigint;") {
		t.Errorf("mismatch: %+v", f)
	}
	if f := got["L002/money"]; f.Severity != checks.P3 || len(f.Objects) != 1 || f.Objects[0] != "s.a" ||
		!strings.Contains(f.Conclusion, "1 column(s) in 1 table(s)") {
		t.Errorf("money: %+v", f)
	}
	if f := got["L002/timestamp-without-time-zone"]; f.Severity != checks.Info || len(f.Objects) != 2 ||
		!strings.Contains(f.Conclusion, "3 column(s) in 2 table(s)") {
		t.Errorf("timestamp: %+v", f)
	}
	if got := analyze(Data{}, cfg); len(got) != 0 {
		t.Errorf("clean: %+v", got)
	}
	many := Data{TimestampColumns: 7, TimestampTables: 7}
	for i := range 7 {
		many.Tables = append(many.Tables, TypeTable{Schema: "s", Table: checks.Name(rune('a' + i)), Timestamp: []checks.Name{"t"}})
	}
	if f := analyze(many, cfg); !strings.Contains(f[0].Conclusion, "`s.e`, ...") {
		t.Errorf("list not cut after five: %s", f[0].Conclusion)
	}
}

func TestAnalyzeUnlisted(t *testing.T) {
	d := Data{Keys: []Key{{Schema: "s", Table: "t", Column: "id", Type: "integer", RowsPct: 30}}, KeysTotal: 10, KeysTotalP2: 4,
		Mismatches: []Mismatch{{Schema: "s", Table: "t", Column: "c"}}, MismatchesTotal: 7, MoneyColumns: 5, MoneyTables: 3}
	w := map[string]int{}
	for _, f := range analyze(d, Config{KeyP3Pct: 5, KeyP2Pct: 25}) {
		w[f.Code+" "+f.Severity.String()] += f.Weight()
	}
	want := map[string]int{"L002/small-integer-key P2": 4, "L002/small-integer-key P3": 6, "L002/fk-type-mismatch P3": 7, "L002/money P3": 3}
	for k, v := range want {
		if w[k] != v {
			t.Errorf("%s: weight %d, want %d (all: %v)", k, w[k], v, w)
		}
	}
}
