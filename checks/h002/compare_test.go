package h002

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

// nodeData is a node's data with its statistics days old, listing ix without scans.
func nodeData(standby bool, days float64, ix ...Index) Data {
	d := base(ix...)
	d.StatsReset, d.InRecovery = ago(days), standby
	d.RareMinSizeBytes, d.RareWritesPerScan = 100<<20, 1000
	for i := range d.Indexes {
		if d.Indexes[i].RelPages == 0 {
			d.Indexes[i].RelPages = 300
		}
	}
	fill(&d, now)
	return d
}

func out(name string, d Data) checks.NodeOutcome {
	return checks.NodeOutcome{Node: checks.Node{Name: name, SystemID: "7"}, Status: checks.StatusFindings,
		Outcome: &checks.Outcome{Data: d}}
}

func codes(fs []checks.Finding) map[string]checks.Severity {
	m := map[string]checks.Severity{}
	for _, f := range fs {
		m[f.Code] = f.Severity
	}
	return m
}

func text(fs []checks.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Code + ": " + f.Conclusion + "\n" + f.Recommendation + "\n")
	}
	return b.String()
}

func TestCompare(t *testing.T) {
	other := func(i *Index) { i.Name, i.Ident, i.RelPages = "t_b_idx", "public.t_b_idx", 200 }
	large := func(scans, writes int64) func(*Index) {
		return func(i *Index) {
			i.Name, i.Ident, i.SizeBytes, i.IdxScan, i.Writes = "t_big", "public.t_big", sz(200<<20), scans, writes
		}
	}
	withLarge := func(d Data, ix Index) Data { d.Large, d.LargeTotal = []Index{ix}, 1; return d }
	cases := []struct {
		name string
		in   []checks.NodeOutcome
		want map[string]checks.Severity
		has  []string
		not  []string
	}{
		{"unused on all three", []checks.NodeOutcome{out("p", nodeData(false, 40, idx(nil))),
			out("s1", nodeData(true, 40, idx(nil))), out("s2", nodeData(true, 35, idx(nil)))},
			map[string]checks.Severity{"H002/unused-index": checks.P3},
			[]string{"no scans on any of the 3 nodes", "`p` 0 since", "`s1` 0 since", "`s2` 0 since 2026-10-25 (35 days)",
				"`DROP INDEX CONCURRENTLY public.t_a_idx;`", "`CREATE INDEX CONCURRENTLY t_a_idx ON public.t USING btree (a);`"}, nil},
		{"scanned only on a standby (its listing is complete)", []checks.NodeOutcome{out("p", nodeData(false, 40, idx(nil))),
			out("s1", nodeData(true, 40)), out("s2", nodeData(true, 40, idx(nil)))},
			map[string]checks.Severity{"H002/used-on-standby-only": checks.Info},
			[]string{"`s1` (scanned", "Keep it"}, []string{"DROP INDEX"}},
		{"scanned on a standby, counted in its large list", []checks.NodeOutcome{
			out("p", withLarge(nodeData(false, 40, idx(large(0, 0))), idx(large(0, 5000)))),
			out("s1", withLarge(nodeData(true, 40), idx(large(12, 0))))},
			map[string]checks.Severity{"H002/used-on-standby-only": checks.Info}, []string{"`s1` (12 scans"}, nil},
		{"absent from a truncated standby listing, ranked after its last: unknown",
			[]checks.NodeOutcome{out("p", nodeData(false, 40, idx(other))),
				out("s1", func() Data { d := nodeData(true, 40, idx(nil)); d.Total = 5; return d }())},
			map[string]checks.Severity{"H002/unused-unknown": checks.Info}, []string{"raise `top_n`"}, []string{"DROP INDEX"}},
		{"absent from a truncated standby listing, ranked before its last: used",
			[]checks.NodeOutcome{out("p", nodeData(false, 40, idx(nil))),
				out("s1", func() Data { d := nodeData(true, 40, idx(other)); d.Total = 5; return d }())},
			map[string]checks.Severity{"H002/used-on-standby-only": checks.Info}, nil, nil},
		{"one standby unreachable", []checks.NodeOutcome{out("p", nodeData(false, 40, idx(nil))), out("s1", nodeData(true, 40, idx(nil))),
			{Node: checks.Node{Name: "s2"}, Status: checks.StatusError, Unreachable: "node not reachable: connection refused"}},
			map[string]checks.Severity{"H002/unused-unknown": checks.Info, "H002/incomplete": checks.Info},
			[]string{"`s2`: node not reachable: connection refused", "Unknown whether it is used", "no scans on any of the 2 nodes"},
			[]string{"DROP INDEX"}},
		{"one standby too young", []checks.NodeOutcome{out("p", nodeData(false, 40, idx(nil))), out("s1", nodeData(true, 3, idx(nil)))},
			map[string]checks.Severity{"H002/unused-unknown": checks.Info, "H002/incomplete": checks.Info},
			[]string{"`s1`: statistics too young (3 days, under min_stats_age_days = 30)"}, []string{"DROP INDEX"}},
		{"check failed on a node", []checks.NodeOutcome{out("p", nodeData(false, 40, idx(nil))),
			{Node: checks.Node{Name: "s1"}, Status: checks.StatusError}},
			map[string]checks.Severity{"H002/unused-unknown": checks.Info, "H002/incomplete": checks.Info},
			[]string{"the check did not run there (error)"}, nil},
		{"track_counts off on a standby", []checks.NodeOutcome{out("p", nodeData(false, 40, idx(nil))),
			out("s1", func() Data { d := nodeData(true, 40); d.TrackCounts = false; return d }())},
			map[string]checks.Severity{"H002/unused-unknown": checks.Info, "H002/incomplete": checks.Info}, []string{"track_counts"}, nil},
		{"a foreign key index stays info", []checks.NodeOutcome{out("p", nodeData(false, 40, idx(func(i *Index) {
			i.SupportsFKs = []checks.Name{"fk"}
		})))}, map[string]checks.Severity{"H002/unused-fk-index": checks.Info}, nil, []string{"DROP INDEX"}},
		{"small: no finding", []checks.NodeOutcome{out("p", nodeData(false, 40, idx(func(i *Index) { i.SizeBytes, i.Small = sz(8192), true })))},
			map[string]checks.Severity{}, nil, nil},
		{"one node: unlisted counted as before", []checks.NodeOutcome{out("p", func() Data {
			d := nodeData(false, 40, idx(nil))
			d.Total, d.UnlistedLarge = 4, 3
			return d
		}())}, map[string]checks.Severity{"H002/unused-index": checks.P3}, []string{"3 more are not"}, nil},
		{"several nodes: unlisted not compared", []checks.NodeOutcome{out("p", func() Data {
			d := nodeData(false, 40, idx(nil))
			d.Total, d.UnlistedLarge = 4, 3
			return d
		}()), out("s1", nodeData(true, 40, idx(nil)))},
			map[string]checks.Severity{"H002/unused-index": checks.P3, "H002/unused-unknown": checks.Info}, []string{"not compared across nodes"}, nil},
		{"rarely used", []checks.NodeOutcome{out("p", withLarge(nodeData(false, 40), idx(large(3, 9000)))),
			out("s1", withLarge(nodeData(true, 40), idx(large(5, 0))))},
			map[string]checks.Severity{"H002/rarely-used": checks.P3},
			[]string{"8 scans in all (`p` 3, `s1` 5) against 9,000", "Find the queries that use it", "DROP INDEX CONCURRENTLY public.t_big;"}, nil},
		{"used often enough", []checks.NodeOutcome{out("p", withLarge(nodeData(false, 40), idx(large(3, 9000)))),
			out("s1", withLarge(nodeData(true, 40), idx(large(6, 0))))}, map[string]checks.Severity{}, nil, nil},
		{"rarely used on the primary, but a node is missing", []checks.NodeOutcome{out("p", withLarge(nodeData(false, 40), idx(large(3, 9000)))),
			{Node: checks.Node{Name: "s1"}, Status: checks.StatusError, Unreachable: "down"}},
			map[string]checks.Severity{"H002/incomplete": checks.Info}, []string{"rarely used indexes are not judged"}, nil},
		{"different clusters", []checks.NodeOutcome{out("p", nodeData(false, 40, idx(nil))),
			func() checks.NodeOutcome {
				o := out("q", nodeData(false, 40, idx(nil)))
				o.Node.SystemID = "8"
				return o
			}()},
			map[string]checks.Severity{"H002/not-compared": checks.Info}, nil, nil},
		{"nothing seen", []checks.NodeOutcome{{Node: checks.Node{Name: "p"}, Status: checks.StatusError, Unreachable: "down"}},
			map[string]checks.Severity{"H002/incomplete": checks.Info}, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := New().Compare(tc.in)
			got := codes(fs)
			n := len(tc.want)
			if tc.name == "one node: unlisted counted as before" {
				n = 2 // the listed index and the count of the others
			}
			if len(got) != len(tc.want) || len(fs) != n {
				t.Fatalf("got %v, want %v\n%s", got, tc.want, text(fs))
			}
			for code, sev := range tc.want {
				if s, ok := got[code]; !ok || s != sev {
					t.Errorf("%s: got %v, want %v", code, s, sev)
				}
			}
			for _, s := range tc.has {
				if !strings.Contains(text(fs), s) {
					t.Errorf("missing %q in\n%s", s, text(fs))
				}
			}
			for _, s := range tc.not {
				if strings.Contains(text(fs), s) {
					t.Errorf("unexpected %q in\n%s", s, text(fs))
				}
			}
		})
	}
}
