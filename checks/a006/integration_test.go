package a006

import (
	"slices"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// outcome runs A006 on cl as an unprivileged role and returns its outcome as Compare
// gets it, from the JSON data (as a report read back from a file would give it).
func outcome(t *testing.T, cl *pgtest.Cluster, name string) (checks.NodeOutcome, Data) {
	t.Helper()
	r := checktest.Run(t, cl, New(), checktest.Options{Role: "nobody"})
	r.MustStatus(t, checks.StatusOK)
	var d Data
	r.Decode(t, &d)
	n := r.Node
	n.Name = name
	return checks.NodeOutcome{Node: n, Status: r.Status, Outcome: &checks.Outcome{Data: d}}, d
}

func find(d Data, name string) *Setting {
	for i := range d.Settings {
		if d.Settings[i].Name == checks.Name(name) {
			return &d.Settings[i]
		}
	}
	return nil
}

// TestStandbyWithOneSettingChanged: a standby whose only own setting is work_mem = 8MB
// (beside the ones every standby has: primary_conninfo, its port and socket folder) is
// one A006 row, with both values and their sources; the settings that differ because it
// is a standby are not rows. Then a change waiting for a restart on the standby only.
func TestStandbyWithOneSettingChanged(t *testing.T) {
	pgtest.MultiServer(t)
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE ROLE nobody LOGIN")
	sb := pgtest.StandbyForTest(t, cl, map[string]string{"work_mem": "'8MB'"})

	p, pd := outcome(t, cl, "primary")
	s, sd := outcome(t, sb, "standby1")
	if p.Node.Role != "primary" || s.Node.Role != "standby" || !s.Node.InRecovery {
		t.Fatalf("roles: %+v / %+v", p.Node, s.Node)
	}
	for _, name := range []string{"transaction_read_only", "in_hot_standby", "primary_conninfo", "port"} {
		if find(pd, name) != nil || find(sd, name) != nil {
			t.Errorf("%s is in the data", name)
		}
	}
	if sd.Ignored < 10 || len(sd.Settings) < 200 {
		t.Errorf("standby: %d settings, %d ignored", len(sd.Settings), sd.Ignored)
	}
	cmp := Diff([]checks.NodeOutcome{p, s})
	if len(cmp.Rows) != 1 {
		t.Fatalf("rows: %+v", cmp.Rows)
	}
	row := cmp.Rows[0]
	if row.Name != "work_mem" || row.Value != "4MB" || row.Severity != checks.P2 || cmp.Reference != "primary" {
		t.Fatalf("row %+v", row)
	}
	if c := row.Cells; c[0].Value != "4MB" || c[0].Source != "default" || c[0].Differs ||
		c[1].Value != "8MB" || c[1].Source != "configuration file" || !c[1].Differs {
		t.Fatalf("cells %+v", c)
	}
	fs := New().Compare([]checks.NodeOutcome{p, s})
	if len(fs) != 1 || fs[0].Code != "A006/setting-differs" || !slices.Equal(fs[0].Nodes, []string{"standby1"}) {
		t.Fatalf("findings %+v", fs)
	}
	t.Logf("compared %d settings; %s", cmp.Compared, fs[0].Conclusion)

	// Nothing outside pg_catalog is named.
	checktest.Run(t, sb, New(), checktest.Options{Role: "nobody", EmptySearchPath: true}).MustStatus(t, checks.StatusOK)

	// ALTER SYSTEM works on a standby; a postmaster setting changed and reloaded there
	// waits for a restart on the standby only.
	sb.MustExec(t, "postgres", "ALTER SYSTEM SET max_connections = 150")
	sb.MustExec(t, "postgres", "SELECT pg_catalog.pg_reload_conf()")
	deadline := time.Now().Add(10 * time.Second)
	for {
		s, sd = outcome(t, sb, "standby1")
		if mc := find(sd, "max_connections"); mc != nil && mc.PendingRestart {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("max_connections never became pending_restart on the standby")
		}
		time.Sleep(100 * time.Millisecond)
	}
	fs = New().Compare([]checks.NodeOutcome{p, s})
	if len(fs) != 2 || fs[0].Code != "A006/pending-restart" || fs[0].Severity != checks.P2 ||
		!slices.Equal(fs[0].Nodes, []string{"standby1"}) || fs[1].Code != "A006/setting-differs" {
		t.Fatalf("findings %+v", fs)
	}

	// The primary unreachable: nothing compared, and the report says which node.
	down := checks.NodeOutcome{Node: checks.Node{Name: "primary"}, Status: checks.StatusError, Unreachable: "node not reachable: connection refused"}
	fs = New().Compare([]checks.NodeOutcome{down, s})
	if len(fs) != 1 || fs[0].Code != "A006/not-compared" || fs[0].Severity != checks.Info {
		t.Fatalf("findings %+v", fs)
	}
}
