package l005

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func TestAnalyze(t *testing.T) {
	cases := []struct {
		name string
		d    Data
		code string
		sev  checks.Severity
		text []string
	}{
		{"not valid fk", Data{NotValid: []NotValid{{Schema: "s", Object: "t", Constraint: "t_fk", Kind: "foreign key",
			Definition: "FOREIGN KEY (p) REFERENCES p(id) NOT VALID", Bytes: 2048, Fix: "ALTER TABLE s.t VALIDATE CONSTRAINT t_fk;"}}},
			"L005/not-valid", checks.P3, []string{"ALTER TABLE s.t VALIDATE CONSTRAINT t_fk;", "do not exist", "2.0 KiB", "SHARE UPDATE EXCLUSIVE"}},
		{"not valid check", Data{NotValid: []NotValid{{Schema: "s", Object: "t", Constraint: "t_chk", Kind: "check"}}},
			"L005/not-valid", checks.P3, []string{"planner does not rely on it", "table `s.t`"}},
		{"not valid domain", Data{NotValid: []NotValid{{Schema: "s", Object: "d", Constraint: "d_chk", Kind: "check", OnDomain: true,
			Fix: "ALTER DOMAIN s.d VALIDATE CONSTRAINT d_chk;"}}},
			"L005/not-valid", checks.P3, []string{"domain `s.d`", "every column of this domain", "ALTER DOMAIN"}},
		{"fk invalid index", Data{BadFKs: []BadFK{{Schema: "s", Table: "c", Constraint: "c_fk", RefSchema: "s", RefTable: "p",
			RefColumns: []checks.Name{"id"}, Index: "p_pkey", IndexSchema: "s", Problem: Invalid, Fix: "REINDEX INDEX CONCURRENTLY s.p_pkey;"}}},
			"L005/fk-without-unique-index", checks.P2, []string{"marked invalid", "`s.p_pkey`", "REINDEX INDEX CONCURRENTLY s.p_pkey;"}},
		{"fk no index", Data{BadFKs: []BadFK{{Schema: "s", Table: "c", Constraint: "c_fk", RefSchema: "s", RefTable: "p",
			RefColumns: []checks.Name{"a", "b"}, Problem: NoIndex, Fix: "ALTER TABLE s.p ADD UNIQUE (a, b);"}}},
			"L005/fk-without-unique-index", checks.P2, []string{"records no index", "`a`, `b`", "ADD UNIQUE (a, b)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := analyze(tc.d)
			if len(got) != 1 || got[0].Code != tc.code || got[0].Severity != tc.sev {
				t.Fatalf("got %+v, want %s %v", got, tc.code, tc.sev)
			}
			text := got[0].Conclusion + " " + got[0].Recommendation
			for _, s := range tc.text {
				if !strings.Contains(text, s) {
					t.Errorf("%q missing from %s", s, text)
				}
			}
		})
	}
	for _, p := range []checks.Label{NoIndex, OtherTable, Invalid, NotUnique, Deferrable, Partial, OtherColumns} {
		if problems[p] == "" {
			t.Errorf("problem %s has no explanation", p)
		}
	}
	if got := analyze(Data{}); len(got) != 0 {
		t.Errorf("clean: %v", got)
	}
}

func TestAnalyzeNotEnforcedAndUnlisted(t *testing.T) {
	d := Data{NotValid: []NotValid{
		{Schema: "s", Object: "t", Constraint: "v", Kind: "check", Fix: "ALTER TABLE s.t VALIDATE CONSTRAINT v;"},
		{Schema: "s", Object: "t", Constraint: "f", Kind: "foreign key", NotEnforced: true, Fix: "ALTER TABLE s.t ALTER CONSTRAINT f ENFORCED;"},
		{Schema: "s", Object: "t", Constraint: "c", Kind: "check", NotEnforced: true, Fix: "ALTER TABLE s.t DROP CONSTRAINT c, ADD CONSTRAINT c CHECK ((a > 0));"},
	}, NotValidTotal: 10, NotEnforcedTotal: 4, BadFKs: []BadFK{{Problem: Invalid}}, BadFKsTotal: 3}
	n := map[string]int{}
	for _, f := range analyze(d) {
		n[f.Code+" "+f.Severity.String()] += f.Weight()
		if f.Code == "L005/not-enforced" && strings.Contains(f.Recommendation, "VALIDATE") {
			t.Errorf("VALIDATE recommended for NOT ENFORCED: %s", f.Recommendation)
		}
		if f.Code == "L005/not-enforced" && f.Count == 0 && !strings.Contains(f.Recommendation, string(d.NotValid[1].Fix)) &&
			!strings.Contains(f.Recommendation, "cannot make a check constraint enforced in place") {
			t.Errorf("not-enforced advice: %s", f.Recommendation)
		}
	}
	want := map[string]int{"L005/not-valid P3": 6, "L005/not-enforced info": 4, "L005/fk-without-unique-index P2": 3}
	for k, v := range want {
		if n[k] != v {
			t.Errorf("%s: %d, want %d (all: %v)", k, n[k], v, n)
		}
	}
}
