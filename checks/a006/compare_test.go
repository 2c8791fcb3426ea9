package a006

import (
	"slices"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func set(name, value, unit, vartype string) Setting {
	return Setting{Setting: checks.Setting{Name: checks.Name(name), Value: checks.Text(value)}, Unit: checks.Text(unit),
		VarType: checks.Text(vartype), Source: "configuration file", Context: "user"}
}

func TestNormalize(t *testing.T) {
	same := []struct {
		a, b Setting
		show string
	}{
		{set("shared_buffers", "16384", "8kB", "integer"), set("shared_buffers", "131072", "kB", "integer"), "128MB"},
		{set("work_mem", "1536", "kB", "integer"), set("work_mem", "1572864", "B", "integer"), "1536kB"},
		{set("min_wal_size", "80", "MB", "integer"), set("min_wal_size", "5", "16MB", "integer"), "80MB"},
		{set("checkpoint_timeout", "300", "s", "integer"), set("checkpoint_timeout", "5", "min", "integer"), "5min"},
		{set("deadlock_timeout", "1000", "ms", "integer"), set("deadlock_timeout", "1", "s", "integer"), "1s"},
		{set("vacuum_cost_delay", "2", "ms", "real"), set("vacuum_cost_delay", "2000", "us", "real"), "2ms"},
		{set("log_rotation_age", "1440", "min", "integer"), set("log_rotation_age", "1", "d", "integer"), "1d"},
		{set("fsync", "on", "", "bool"), set("fsync", "true", "", "bool"), "on"},
		{set("fsync", "off", "", "bool"), set("fsync", "No", "", "bool"), "off"},
		{set("wal_level", "replica", "", "enum"), set("wal_level", "Replica", "", "enum"), "replica"},
		{set("shared_preload_libraries", "pg_stat_statements,auto_explain", "", "string"),
			set("shared_preload_libraries", "pg_stat_statements, auto_explain", "", "string"), "pg_stat_statements, auto_explain"},
		{set("random_page_cost", "1.1", "", "real"), set("random_page_cost", "1.10", "", "real"), "1.1"},
		// -1 means "use another setting" whatever the unit.
		{set("autovacuum_work_mem", "-1", "kB", "integer"), set("autovacuum_work_mem", "-1", "8kB", "integer"), "-1"},
		{set("wal_keep_size", "0", "MB", "integer"), set("wal_keep_size", "0", "kB", "integer"), "0"},
	}
	for _, tc := range same {
		a, b := normalize(tc.a), normalize(tc.b)
		if a.key != b.key {
			t.Errorf("%s: %q (%s) and %q (%s) differ: %q vs %q", tc.a.Name, tc.a.Value, tc.a.Unit, tc.b.Value, tc.b.Unit, a.key, b.key)
		}
		if a.display != tc.show {
			t.Errorf("%s: shown as %q, want %q", tc.a.Name, a.display, tc.show)
		}
	}
	differ := [][2]Setting{
		{set("work_mem", "4096", "kB", "integer"), set("work_mem", "8192", "kB", "integer")},
		{set("shared_buffers", "16384", "8kB", "integer"), set("shared_buffers", "16384", "kB", "integer")},
		{set("search_path", "a, b", "", "string"), set("search_path", "b, a", "", "string")},
		{set("application_name", "App", "", "string"), set("application_name", "app", "", "string")},
		{set("jit", "on", "", "bool"), set("jit", "off", "", "bool")},
	}
	for _, p := range differ {
		if normalize(p[0]).key == normalize(p[1]).key {
			t.Errorf("%s: %q (%s) and %q (%s) compare equal", p[0].Name, p[0].Value, p[0].Unit, p[1].Value, p[1].Unit)
		}
	}
}

// nodeOut is a node's outcome with the given settings on top of a common base.
func nodeOut(name, role string, version int, over ...Setting) checks.NodeOutcome {
	base := []Setting{set("work_mem", "4096", "kB", "integer"), set("max_connections", "100", "", "integer"),
		set("jit", "on", "", "bool"), set("statement_timeout", "30000", "ms", "integer")}
	base[3].Source = "client"
	base[1].Context = "postmaster"
	d := Data{}
	for _, b := range base {
		if i := slices.IndexFunc(over, func(s Setting) bool { return s.Name == b.Name }); i >= 0 {
			b = over[i]
			over = slices.Delete(over, i, i+1)
		}
		d.Settings = append(d.Settings, b)
	}
	d.Settings = append(d.Settings, over...)
	return checks.NodeOutcome{Node: checks.Node{Name: name, Role: role, InRecovery: role == "standby", VersionNum: version},
		Status: checks.StatusOK, Outcome: &checks.Outcome{Data: d}}
}

func codes(fs []checks.Finding) map[string]checks.Finding {
	m := map[string]checks.Finding{}
	for _, f := range fs {
		m[f.Code+" "+strings.SplitN(f.Conclusion, " ", 2)[0]] = f
	}
	return m
}

func TestCompare(t *testing.T) {
	c := New()
	t.Run("same everywhere", func(t *testing.T) {
		if fs := c.Compare([]checks.NodeOutcome{nodeOut("p", "primary", 150000), nodeOut("s", "standby", 150000)}); len(fs) != 0 {
			t.Fatalf("%+v", fs)
		}
	})
	t.Run("one node", func(t *testing.T) {
		if fs := c.Compare([]checks.NodeOutcome{nodeOut("p", "primary", 150000)}); len(fs) != 0 {
			t.Fatalf("%+v", fs)
		}
	})
	t.Run("work_mem on the standby", func(t *testing.T) {
		outs := []checks.NodeOutcome{nodeOut("s1", "standby", 150000, set("work_mem", "8192", "kB", "integer")),
			nodeOut("p", "primary", 150000), nodeOut("s2", "standby", 150000)}
		cmp := Diff(outs)
		if cmp.Reference != "p" || len(cmp.Rows) != 1 || cmp.Rows[0].Name != "work_mem" || cmp.Rows[0].Value != "4MB" {
			t.Fatalf("%+v", cmp)
		}
		cells := cmp.Rows[0].Cells
		if cells[0].Value != "8MB" || !cells[0].Differs || cells[1].Value != "4MB" || cells[1].Differs || cells[2].Differs ||
			cells[0].Source != "configuration file" {
			t.Fatalf("%+v", cells)
		}
		fs := c.Compare(outs)
		if len(fs) != 1 || fs[0].Code != "A006/setting-differs" || fs[0].Severity != checks.P2 || !slices.Equal(fs[0].Nodes, []string{"s1"}) ||
			!strings.Contains(fs[0].Conclusion, "`8MB` on s1 (configuration file)") || !strings.Contains(fs[0].Conclusion, "`4MB` on p") {
			t.Fatalf("%+v", fs)
		}
	})
	t.Run("standby role and identity are not findings", func(t *testing.T) {
		p := nodeOut("p", "primary", 150000, set("transaction_read_only", "off", "", "bool"), set("in_hot_standby", "off", "", "bool"),
			set("port", "5432", "", "integer"), set("primary_conninfo", "", "", "string"), set("recovery_target_lsn", "", "", "string"),
			set("cluster_name", "a", "", "string"), set("server_version_num", "150004", "", "integer"))
		s := nodeOut("s", "standby", 150000, set("transaction_read_only", "on", "", "bool"), set("in_hot_standby", "on", "", "bool"),
			set("port", "5433", "", "integer"), set("primary_conninfo", "host=p password=x", "", "string"),
			set("recovery_target_lsn", "0/1", "", "string"), set("cluster_name", "b", "", "string"),
			set("server_version_num", "150005", "", "integer"), set("statement_timeout", "0", "ms", "integer"))
		if fs := c.Compare([]checks.NodeOutcome{p, s}); len(fs) != 0 {
			t.Fatalf("%+v", fs)
		}
	})
	t.Run("max_connections", func(t *testing.T) {
		lower := set("max_connections", "50", "", "integer")
		fs := c.Compare([]checks.NodeOutcome{nodeOut("p", "primary", 150000), nodeOut("s1", "standby", 150000, lower),
			nodeOut("s2", "standby", 150000, set("max_connections", "200", "", "integer"))})
		if len(fs) != 1 || fs[0].Severity != checks.P1 || !slices.Equal(fs[0].Nodes, []string{"s1"}) ||
			!strings.Contains(fs[0].Recommendation, "and a restart") {
			t.Fatalf("%+v", fs)
		}
		// The primary lower than its standby: no standby is stuck, but a failover changes it.
		fs = c.Compare([]checks.NodeOutcome{nodeOut("p", "primary", 150000, lower), nodeOut("s", "standby", 150000)})
		if len(fs) != 1 || fs[0].Severity != checks.P2 || !slices.Equal(fs[0].Nodes, []string{"s"}) {
			t.Fatalf("%+v", fs)
		}
		// No primary reached: two standbys that differ are compared with each other.
		fs = c.Compare([]checks.NodeOutcome{nodeOut("s1", "standby", 150000), nodeOut("s2", "standby", 150000, lower)})
		if len(fs) != 1 || fs[0].Severity != checks.P2 {
			t.Fatalf("%+v", fs)
		}
	})
	t.Run("pending restart", func(t *testing.T) {
		pend := set("max_connections", "100", "", "integer")
		pend.PendingRestart = true
		fs := c.Compare([]checks.NodeOutcome{nodeOut("p", "primary", 150000, pend), nodeOut("s", "standby", 150000)})
		if len(fs) != 1 || fs[0].Code != "A006/pending-restart" || fs[0].Severity != checks.P2 || !slices.Equal(fs[0].Nodes, []string{"p"}) {
			t.Fatalf("%+v", fs)
		}
		jit := set("jit", "on", "", "bool")
		jit.PendingRestart = true
		// Pending on every node: the nodes agree (A003 reports the restart).
		if fs := c.Compare([]checks.NodeOutcome{nodeOut("p", "primary", 150000, jit), nodeOut("s", "standby", 150000, jit)}); len(fs) != 0 {
			t.Fatalf("%+v", fs)
		}
		fs = c.Compare([]checks.NodeOutcome{nodeOut("p", "primary", 150000), nodeOut("s", "standby", 150000, jit)})
		if len(fs) != 1 || fs[0].Code != "A006/pending-restart" || fs[0].Severity != checks.P3 {
			t.Fatalf("%+v", fs)
		}
	})
	t.Run("unreachable node", func(t *testing.T) {
		down := checks.NodeOutcome{Node: checks.Node{Name: "s2"}, Status: checks.StatusError, Unreachable: "node not reachable: timeout"}
		outs := []checks.NodeOutcome{nodeOut("p", "primary", 150000), down, nodeOut("s1", "standby", 150000, set("jit", "off", "", "bool"))}
		cmp := Diff(outs)
		if cmp.Nodes[1].Compared || cmp.Nodes[1].Reason != "node not reachable: timeout" || !cmp.Rows[0].Cells[1].NotRead {
			t.Fatalf("%+v", cmp)
		}
		fs := codes(c.Compare(outs))
		nc, ok := fs["A006/not-compared Not"]
		if len(fs) != 2 || !ok || nc.Severity != checks.Info || !slices.Equal(nc.Nodes, []string{"s2"}) ||
			!strings.Contains(nc.Conclusion, "s2 (node not reachable: timeout)") {
			t.Fatalf("%+v", fs)
		}
		if f := fs["A006/setting-differs `jit`"]; f.Severity != checks.P3 || strings.Contains(f.Conclusion, "s2") {
			t.Fatalf("%+v", fs)
		}
		// Only one node left: nothing compared, and the report says so.
		fs = codes(c.Compare([]checks.NodeOutcome{nodeOut("p", "primary", 150000), down}))
		if len(fs) != 1 || !strings.Contains(fs["A006/not-compared Not"].Conclusion, "Fewer than two nodes") {
			t.Fatalf("%+v", fs)
		}
	})
	t.Run("custom and secret values are not printed", func(t *testing.T) {
		fs := c.Compare([]checks.NodeOutcome{
			nodeOut("p", "primary", 150000, set("app.jwt_secret", "s3cr3t", "", "string"),
				set("archive_command", "curl -u admin:hunter2 https://x/%f", "", "string")),
			nodeOut("s", "standby", 150000, set("app.jwt_secret", "0ther", "", "string"),
				set("archive_command", "curl -u admin:swordfish https://x/%f", "", "string"))})
		if len(fs) != 2 {
			t.Fatalf("%+v", fs)
		}
		for _, f := range fs {
			for _, secret := range []string{"s3cr3t", "0ther", "hunter2", "swordfish"} {
				if strings.Contains(f.Conclusion+f.Recommendation, secret) {
					t.Errorf("%s shows %q: %s", f.Code, secret, f.Conclusion)
				}
			}
		}
	})
	t.Run("different majors", func(t *testing.T) {
		// A setting only the newer major has is A002's business; a custom one is compared.
		fs := c.Compare([]checks.NodeOutcome{nodeOut("p", "primary", 150000, set("app.x", "1", "", "string")),
			nodeOut("s", "standby", 160000, set("io_method", "worker", "", "enum"))})
		if len(fs) != 1 || !strings.Contains(fs[0].Conclusion, "not set on s") || fs[0].Severity != checks.P3 {
			t.Fatalf("%+v", fs)
		}
		if d := Diff([]checks.NodeOutcome{nodeOut("p", "primary", 150000), nodeOut("s", "standby", 160000, set("io_method", "worker", "", "enum"))}); !d.MajorsDiffer || d.SkippedMissing != 1 {
			t.Fatalf("%+v", d)
		}
	})
}
