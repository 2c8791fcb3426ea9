package h004

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func TestAnalyze(t *testing.T) {
	cfg := New().cfg
	scans, small, large := int64(7), cfg.P2Bytes-1, cfg.P2Bytes
	base := Index{Schema: "s", Table: "t", Drop: "t_a", Keep: "t_a_b", DropSQL: "DROP INDEX CONCURRENTLY s.t_a;",
		DropDef: "CREATE INDEX t_a ON s.t USING btree (a)", DropBytes: &small, KeepBytes: &large}
	cases := []struct {
		name     string
		edit     func(*Index)
		code     string
		sev      checks.Severity
		contains []string
	}{
		{"small redundant", func(x *Index) { x.DropBytes = &small }, "H004/redundant-index", checks.P3,
			[]string{"DROP INDEX CONCURRENTLY s.t_a;", "CREATE INDEX t_a ON s.t USING btree (a);"}},
		{"large redundant", func(x *Index) { x.DropBytes = &large }, "H004/redundant-index", checks.P2, nil},
		{"duplicate", func(x *Index) { x.Duplicate = true }, "H004/duplicate-index", checks.P3, []string{"exact duplicate"}},
		{"used", func(x *Index) { x.DropScans = &scans }, "H004/redundant-index", checks.P3, []string{"scanned 7 time(s)"}},
		{"partitioned", func(x *Index) { x.Partitioned = true }, "H004/redundant-index", checks.P3, []string{"ACCESS EXCLUSIVE"}},
		{"locked", func(x *Index) { x.DropBytes, x.KeepBytes, x.DropDef, x.Locked = nil, nil, "", true }, "H004/redundant-index", checks.P3,
			[]string{"saves an unknown amount (the index is locked", `pg_get_indexdef('"s"."t_a"'::regclass);`, "DROP INDEX CONCURRENTLY s.t_a;"}},
		{"partitions locked", func(x *Index) { x.Partitioned, x.Locked = true, true }, "H004/redundant-index", checks.P3,
			[]string{"at least 1024.0 MiB", "some partitions are locked"}},
		{"clustered", func(x *Index) { x.Clustered = true }, "H004/redundant-index", checks.P3, []string{"CLUSTER ON t_a_b"}},
		{"gin subset", func(x *Index) { x.Rule = "gin-subset" }, "H004/redundant-index", checks.P3, []string{"any subset of its columns"}},
		{"gist prefix", func(x *Index) { x.Rule = "gist-prefix" }, "H004/redundant-index", checks.Info, []string{"GiST index", "less certain"}},
		{"large gist prefix", func(x *Index) { x.Rule, x.DropBytes = "gist-prefix", &large }, "H004/redundant-index", checks.P3, nil},
		{"btree prefix", func(x *Index) { x.Rule = "btree-prefix" }, "H004/redundant-index", checks.P3, []string{"leading prefix of those of the btree index"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := base
			tc.edit(&x)
			got := analyze(Data{Indexes: []Index{x}}, cfg)
			if len(got) != 1 || got[0].Code != tc.code || got[0].Severity != tc.sev {
				t.Fatalf("got %+v, want %s %v", got, tc.code, tc.sev)
			}
			text := got[0].Conclusion + " " + got[0].Recommendation
			for _, s := range tc.contains {
				if !strings.Contains(text, s) {
					t.Errorf("%q missing from %s", s, text)
				}
			}
			if got[0].Objects[0] != "s.t_a" || got[0].Objects[1] != "s.t_a_b" {
				t.Errorf("objects %v", got[0].Objects)
			}
		})
	}
	if got := analyze(Data{}, cfg); len(got) != 0 {
		t.Errorf("no indexes: %v", got)
	}
}

func TestAnalyzeNotCompared(t *testing.T) {
	got := analyze(Data{NotCompared: []Table{{Schema: "s", Name: "busy"}}}, New().cfg)
	if len(got) != 1 || got[0].Code != "H004/not-compared" || got[0].Severity != checks.Info ||
		!strings.Contains(got[0].Conclusion, "`s.busy`") || got[0].Objects[0] != "s.busy" {
		t.Fatalf("got %+v", got)
	}
}

func TestAnalyzeUnlisted(t *testing.T) {
	got := analyze(Data{Total: 24473, Unlisted: Unlisted{P2: 2, P3: 24000, Info: 421}}, New().cfg)
	want := map[checks.Severity]int{checks.P2: 2, checks.P3: 24000, checks.Info: 421}
	if len(got) != 3 {
		t.Fatalf("got %+v", got)
	}
	for _, f := range got {
		if f.Code != "H004/redundant-index" || f.Count != want[f.Severity] || !strings.Contains(f.Conclusion, "24,473 redundant or duplicate indexes in all") {
			t.Errorf("got %+v", f)
		}
	}
	if got := analyze(Data{Total: 3, Unlisted: Unlisted{}}, New().cfg); len(got) != 0 {
		t.Errorf("nothing unlisted: %+v", got)
	}
}
