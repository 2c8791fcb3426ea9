package a002

import (
	"slices"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func out(name, role, sysid string, version int) checks.NodeOutcome {
	return checks.NodeOutcome{Node: checks.Node{Name: name, Role: role, InRecovery: role == "standby", SystemID: sysid},
		Status: checks.StatusOK, Outcome: &checks.Outcome{Data: Data{VersionNum: version}}}
}

func TestCompare(t *testing.T) {
	down := checks.NodeOutcome{Node: checks.Node{Name: "s9"}, Status: checks.StatusError, Unreachable: "node not reachable: timeout"}
	cases := []struct {
		name string
		outs []checks.NodeOutcome
		want []string // code severity nodes
	}{
		{"same version", []checks.NodeOutcome{out("p", "primary", "1", 150005), out("s", "standby", "1", 150005), down}, nil},
		{"one node", []checks.NodeOutcome{out("p", "primary", "1", 150005), down}, nil},
		{"standby behind", []checks.NodeOutcome{out("s1", "standby", "1", 150004), out("p", "primary", "1", 150005), out("s2", "standby", "1", 150004)},
			[]string{"A002/minor-differs P2 s1,s2"}},
		{"standby ahead, system id unknown", []checks.NodeOutcome{out("p", "primary", "", 150005), out("s", "standby", "", 150006)},
			[]string{"A002/minor-differs P2 s"}},
		{"two versions", []checks.NodeOutcome{out("p", "primary", "1", 150005), out("s1", "standby", "1", 150004), out("s2", "standby", "1", 150006)},
			[]string{"A002/minor-differs P2 s1", "A002/minor-differs P2 s2"}},
		{"no primary: the first node is the reference", []checks.NodeOutcome{out("s1", "standby", "1", 150004), out("s2", "standby", "1", 150006)},
			[]string{"A002/minor-differs P2 s2"}},
		{"logical replica on another minor", []checks.NodeOutcome{out("p", "primary", "1", 150005), out("sub", "primary", "2", 150004)},
			[]string{"A002/minor-differs P3 sub"}},
		{"logical replica on another major", []checks.NodeOutcome{out("p", "primary", "1", 150005), out("sub", "primary", "2", 170001)},
			[]string{"A002/major-differs P2 sub"}},
		{"standby of the same cluster on another major", []checks.NodeOutcome{out("p", "primary", "1", 150005), out("s", "standby", "1", 160001)},
			[]string{"A002/major-differs P1 s"}},
		{"standby of another cluster on another major", []checks.NodeOutcome{out("p", "primary", "1", 150005), out("s", "standby", "2", 160001)},
			[]string{"A002/major-differs P2 s"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, f := range New().Compare(tc.outs) {
				got = append(got, f.Code+" "+f.Severity.String()+" "+strings.Join(f.Nodes, ","))
				if f.Conclusion == "" || f.Recommendation == "" || f.Node != "" {
					t.Errorf("%+v", f)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	f := New().Compare([]checks.NodeOutcome{out("p", "primary", "1", 150005), out("s", "standby", "1", 150004)})[0]
	if !strings.Contains(f.Conclusion, "s runs PostgreSQL 15.4, p (the reference) 15.5") || !strings.Contains(f.Recommendation, "standbys first") {
		t.Errorf("%+v", f)
	}
}

// TestCompareOnRealStandby: a primary and its streaming standby run the same version:
// no finding. The data comes back from the report's JSON, as `render` would see it.
func TestCompareOnRealStandby(t *testing.T) {
	pgtest.MultiServer(t)
	cl := pgtest.ForTest(t, pgtest.Options{})
	sb := pgtest.StandbyForTest(t, cl, nil)
	var outs []checks.NodeOutcome
	for i, c := range []*pgtest.Cluster{cl, sb} {
		r := checktest.Run(t, c, New(), checktest.Options{})
		var d Data
		r.Decode(t, &d)
		n := r.Node
		n.Name = []string{"primary", "standby1"}[i]
		outs = append(outs, checks.NodeOutcome{Node: n, Status: r.Status, Outcome: &checks.Outcome{Data: d}})
	}
	if outs[0].Node.SystemID == "" || outs[0].Node.SystemID != outs[1].Node.SystemID || outs[1].Node.Role != "standby" {
		t.Fatalf("nodes %+v / %+v", outs[0].Node, outs[1].Node)
	}
	if fs := New().Compare(outs); len(fs) != 0 {
		t.Fatalf("%+v", fs)
	}
	// The same standby seen as one minor behind: the finding names it.
	d := outs[1].Outcome.Data.(Data)
	d.VersionNum--
	outs[1].Outcome = &checks.Outcome{Data: d}
	if fs := New().Compare(outs); len(fs) != 1 || fs[0].Code != "A002/minor-differs" || !slices.Equal(fs[0].Nodes, []string{"standby1"}) {
		t.Fatalf("%+v", fs)
	}
}
