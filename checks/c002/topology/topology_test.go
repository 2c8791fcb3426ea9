package topology

import "testing"

func p[T any](v T) *T { return &v }

func standby(name, host string, port int, slot *string) Node {
	return Node{Name: name, Host: "10.0.0.9:5432", Facts: &Facts{InRecovery: true,
		Receiver: &Receiver{Status: p("streaming"), SenderHost: p(host), SenderPort: p(port), Slot: slot, UpstreamAheadBytes: p(0.0), ReplayLagBytes: p(0.0)}}}
}

func primary(name, host string, rows ...Sender) Node {
	return Node{Name: name, Host: host, Facts: &Facts{Standbys: rows}}
}

func TestDerive(t *testing.T) {
	cases := []struct {
		name  string
		nodes []Node
		want  map[string]Match // "up->down" -> match
	}{
		{"by slot, names unrelated",
			[]Node{primary("db1", "db1.internal:5432", Sender{Application: "walreceiver", Slot: p("s_b")}, Sender{Application: "walreceiver", Slot: p("s_a")}),
				standby("a", "db1.internal", 5432, p("s_a")), standby("b", "DB1.internal", 5432, p("s_b"))},
			map[string]Match{"db1->a": BySlot, "db1->b": BySlot}},
		{"two unnamed senders, no slots: ambiguous, never guessed",
			[]Node{primary("db1", "db1:5432", Sender{Application: "walreceiver"}, Sender{Application: "walreceiver"}),
				standby("a", "db1", 5432, nil), standby("b", "db1", 5432, nil)},
			map[string]Match{"db1->a": Ambiguous, "db1->b": Ambiguous, "db1->": UnmatchedSender}},
		{"shared cluster_name is not a match",
			func() []Node {
				a, b := standby("a", "db1", 5432, nil), standby("b", "db1", 5432, nil)
				a.Facts.ClusterName, b.Facts.ClusterName = "main", "main"
				return []Node{primary("db1", "db1:5432", Sender{Application: "main"}, Sender{Application: "main"}), a, b}
			}(),
			map[string]Match{"db1->a": Ambiguous, "db1->b": Ambiguous, "db1->": UnmatchedSender}},
		{"one named, the other by elimination; a base backup is no standby",
			[]Node{primary("db1", "db1:5432", Sender{Application: "b"}, Sender{Application: "pg_basebackup", State: "backup"}, Sender{Application: "x"}),
				standby("a", "db1", 5432, nil), standby("b", "db1", 5432, nil)},
			map[string]Match{"db1->b": ByNodeName, "db1->a": ByElimination, "db1->": UnmatchedSender}},
		{"upstream lists nothing",
			[]Node{primary("db1", "db1:5432"), standby("a", "db1", 5432, nil)},
			map[string]Match{"db1->a": NotListed}},
		{"upstream under another address, found by slot",
			[]Node{primary("db1", "db1:5432", Sender{Application: "walreceiver", Slot: p("s_a")}), standby("a", "10.0.0.5", 5432, p("s_a"))},
			map[string]Match{"db1->a": BySlot}},
		{"upstream outside the report",
			[]Node{primary("db1", "db1:5432"), standby("a", "10.0.0.5", 5432, nil)},
			map[string]Match{"->a": UpstreamOutside}},
		{"upstream not checked",
			[]Node{{Name: "db1", Host: "db1:5432", Missing: "node not reachable"}, standby("a", "db1", 5432, nil)},
			map[string]Match{"db1->a": UpstreamNotChecked}},
		{"another system at the same address is not the upstream",
			func() []Node {
				pr, s := primary("db1", "db1:5432", Sender{Application: "a"}), standby("a", "db1", 5432, nil)
				pr.SystemID, s.SystemID = "1", "2"
				return []Node{pr, s}
			}(),
			map[string]Match{"->a": UpstreamOutside, "db1->": UnmatchedSender}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]Match{}
			for _, e := range Derive(tc.nodes).Edges {
				got[e.Upstream+"->"+e.Downstream] = e.Match
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for k, m := range tc.want {
				if got[k] != m {
					t.Errorf("%s: got %q, want %q", k, got[k], m)
				}
			}
		})
	}
}

func TestSplitHost(t *testing.T) {
	for in, want := range map[string]struct {
		h string
		p int
	}{"db1:5433": {"db1", 5433}, "::1:5432": {"::1", 5432}, "socket /tmp:5432": {"/tmp", 5432}, "db1": {"db1", 5432}} {
		if h, p := splitHost(in); h != want.h || p != want.p {
			t.Errorf("%s: %s %d", in, h, p)
		}
	}
}
