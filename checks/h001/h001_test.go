package h001

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/sqlaudit"
)

func TestAnalyze(t *testing.T) {
	ix := func(mod func(*Index)) Index {
		i := Index{Schema: "public", Name: "t_a_idx", Table: "t", Ident: "public.t_a_idx", Ready: true,
			SizeBytes: 8192, Definition: "CREATE INDEX t_a_idx ON public.t USING btree (a)"}
		mod(&i)
		return i
	}
	cases := []struct {
		name      string
		data      Data
		code      string
		sev       checks.Severity
		want      []string // substrings of conclusion + recommendation
		notWanted []string
	}{
		{"plain invalid: rebuild", Data{Indexes: []Index{ix(func(*Index) {})}, Total: 1, TotalStored: 1, BuildsVisible: true},
			"H001/invalid-index", checks.P2,
			[]string{"REINDEX INDEX CONCURRENTLY public.t_a_idx;", "CREATE INDEX CONCURRENTLY t_a_idx ON public.t", "updated on every insert"},
			[]string{"uniqueness", "duplicate exists", "cannot see"}},
		{"valid duplicate: drop", Data{Indexes: []Index{ix(func(i *Index) { i.ValidDuplicate = "t_a_idx2" })}, Total: 1, TotalStored: 1, BuildsVisible: true},
			"H001/invalid-index", checks.P2,
			[]string{"Valid duplicate exists", "`t_a_idx2`", "Drop the invalid one: `DROP INDEX CONCURRENTLY public.t_a_idx;`"},
			[]string{"REINDEX"}},
		{"unique not ready", Data{Indexes: []Index{ix(func(i *Index) { i.Unique, i.Ready = true, false })}, Total: 1, TotalStored: 1, BuildsVisible: true},
			"H001/invalid-index", checks.P2,
			[]string{"does not enforce uniqueness", "writes do not maintain it", "duplicate values", "DROP INDEX CONCURRENTLY"},
			[]string{"updated on every insert"}},
		{"table locked: no definition", Data{Indexes: []Index{ix(func(i *Index) { i.TableLocked, i.Definition = true, "" })}, Total: 1, TotalStored: 1, BuildsVisible: true},
			"H001/invalid-index", checks.P2, []string{"ACCESS EXCLUSIVE lock on the table", "REINDEX INDEX CONCURRENTLY"}, []string{"create it again"}},
		{"toast index: drop, not reindex", Data{Indexes: []Index{ix(func(i *Index) {
			i.Schema, i.Name, i.Table, i.Ident = "pg_toast", "pg_toast_1_index_ccnew", "pg_toast_1", "pg_toast.pg_toast_1_index_ccnew"
		})}, Total: 1, TotalStored: 1, BuildsVisible: true},
			"H001/invalid-index", checks.P2, []string{"`DROP INDEX CONCURRENTLY pg_toast.pg_toast_1_index_ccnew;`", "REINDEX refuses"},
			[]string{"REINDEX INDEX"}},
		{"builds not visible", Data{Indexes: []Index{ix(func(*Index) {})}, Total: 1, TotalStored: 1},
			"H001/invalid-index", checks.P2, []string{"cannot see other sessions' index builds"}, nil},
		{"partitioned", Data{Indexes: []Index{ix(func(i *Index) { i.Partitioned, i.Ready = true, true })}, Total: 1, TotalStored: 0, BuildsVisible: true},
			"H001/partitioned-index-incomplete", checks.P3,
			[]string{"ATTACH PARTITION", "`DROP INDEX public.t_a_idx;`"}, []string{"CONCURRENTLY public"}},
		{"odd name quoted by the server", Data{Indexes: []Index{ix(func(i *Index) { i.Name, i.Ident = "a|b`c", `public."a|b`+"`"+`c"` })}, Total: 1, TotalStored: 1, BuildsVisible: true},
			"H001/invalid-index", checks.P2, []string{"`` public.a\\|b`c ``", "`` DROP INDEX CONCURRENTLY public.\"a\\|b`c\"; ``"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := analyze(tc.data)
			if len(fs) != 1 || fs[0].Code != tc.code || fs[0].Severity != tc.sev {
				t.Fatalf("got %+v, want one %s %s", fs, tc.code, tc.sev)
			}
			text := fs[0].Conclusion + "\n" + fs[0].Recommendation
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("missing %q in %s", w, text)
				}
			}
			for _, w := range tc.notWanted {
				if strings.Contains(text, w) {
					t.Errorf("unexpected %q in %s", w, text)
				}
			}
		})
	}
}

func TestAnalyzeNothingAndTruncated(t *testing.T) {
	if fs := analyze(Data{BuildsVisible: true}); len(fs) != 0 {
		t.Fatalf("clean: %+v", fs)
	}
	// In-progress builds are data, never findings.
	if fs := analyze(Data{InProgress: []Busy{{Schema: "s", Name: "i", Table: "t"}}}); len(fs) != 0 {
		t.Fatalf("in progress: %+v", fs)
	}
	// 3 invalid indexes, 1 listed: of the 2 others, 1 is partitioned.
	d := Data{Indexes: []Index{{Schema: "s", Name: "i", Table: "t", Ident: "s.i", Ready: true}}, Total: 3, TotalStored: 2}
	fs := analyze(d)
	if len(fs) != 3 || fs[1].Code != "H001/invalid-index" || fs[1].Severity != checks.P2 || fs[1].Count != 1 ||
		fs[2].Code != "H001/partitioned-index-incomplete" || fs[2].Severity != checks.P3 || fs[2].Count != 1 ||
		!strings.Contains(fs[1].Conclusion, "3 invalid indexes in all; the 1 largest are listed, 1 more are not") {
		t.Fatalf("truncated: %+v", fs)
	}
}

func TestConcurrently(t *testing.T) {
	for in, want := range map[string]string{
		"CREATE INDEX i ON s.t USING btree (a)":        "CREATE INDEX CONCURRENTLY i ON s.t USING btree (a);",
		"CREATE UNIQUE INDEX i ON s.t USING btree (a)": "CREATE UNIQUE INDEX CONCURRENTLY i ON s.t USING btree (a);",
	} {
		if got := concurrently(in); got != want {
			t.Errorf("%q: got %q", in, got)
		}
	}
}

func TestQueriesPassAudit(t *testing.T) {
	for _, q := range New().Queries() {
		if !strings.HasPrefix(q.SQL, "/* pgcheckup H001 */\n") {
			t.Errorf("%s: no marker", q.Name)
		}
		if err := sqlaudit.Check(q.SQL); err != nil {
			t.Errorf("%s: %v", q.Name, err)
		}
	}
}
