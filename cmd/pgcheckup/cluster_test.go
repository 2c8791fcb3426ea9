package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/report"
)

// TestWholeCluster is issue 15's acceptance run, end to end through the command line, as
// a pg_monitor role: a primary with two standbys (the second cascading from the first)
// and a logical subscriber; three databases with a different problem each and a fourth
// the role may not enter. The report compares the nodes instead of repeating them.
// Runs on the default major and, in the matrix, on 12 and 18.
func TestWholeCluster(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Logical(pgtest.Options{}))
	for _, sql := range []string{"CREATE ROLE mon LOGIN", "GRANT pg_monitor TO mon", "CREATE DATABASE shop",
		"CREATE DATABASE billing", "CREATE DATABASE vault", "REVOKE CONNECT ON DATABASE vault FROM PUBLIC"} {
		cl.MustExec(t, "postgres", sql)
	}
	// A different invalid index (a failed CREATE INDEX CONCURRENTLY) in each database.
	for db, table := range map[string]string{"shop": "orders", "billing": "invoices", "vault": "vault_items"} {
		cl.MustExec(t, db, "CREATE TABLE "+table+" (x int); INSERT INTO "+table+" VALUES (1), (1)")
		if err := cl.Exec(ctx, db, "CREATE UNIQUE INDEX CONCURRENTLY "+table+"_x ON "+table+" (x)"); err == nil {
			t.Fatal("the unique index was built")
		}
	}
	// shop: one index scanned only on standby1, one scanned nowhere; a publication.
	cl.MustExec(t, "shop", `CREATE TABLE items (id int PRIMARY KEY, a int, b int);
		INSERT INTO items SELECT g, g, g FROM generate_series(1, 5000) g;
		CREATE INDEX items_on_standby ON items (a); CREATE INDEX items_nowhere ON items (b);
		CREATE PUBLICATION shop_pub FOR TABLE items; ANALYZE`)
	s1 := pgtest.StandbyForTest(t, cl, nil)
	s2 := pgtest.CascadingStandbyForTest(t, s1, nil)
	pgtest.SubscriberForTest(t, cl, pgtest.Subscription{Name: "shop_sub", DB: "shop", PubDB: "shop",
		Publication: "shop_pub", Setup: "CREATE TABLE items (id int PRIMARY KEY, a int, b int)"})
	// The one setting that differs: work_mem on standby1 only.
	s1.MustExec(t, "postgres", "ALTER SYSTEM SET work_mem = '8MB'")
	s1.MustExec(t, "postgres", "SELECT pg_reload_conf()")
	scanOn(t, s1, "shop", "items_on_standby", "SELECT * FROM items WHERE a = 5")
	waitReplay(t, s2)

	cfg := filepath.Join(t.TempDir(), "pgcheckup.toml")
	if err := os.WriteFile(cfg, []byte("[checks.H002]\nmin_stats_age_days = 0\nmin_size_bytes = 0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var dir string
	run := func(want int, nodes ...*pgtest.Cluster) *report.Report {
		t.Helper()
		args := []string{"run", "-q", "--out", t.TempDir(), "--config", cfg, "-U", "mon"}
		for i, n := range nodes {
			args = append(args, "-h", fmt.Sprintf("%s=127.0.0.1:%d", []string{"primary", "standby1", "standby2"}[i], n.Port))
		}
		args = append(args, "dbname=postgres sslmode=disable connect_timeout=3")
		code, stdout, stderr := runCLI(t, args...)
		if code != want {
			t.Fatalf("exit %d, want %d: %s", code, want, stderr)
		}
		dir = strings.TrimSpace(stdout)
		return readReport(t, dir)
	}
	r := run(exitOK, cl, s1, s2)

	// Every database the role may enter is checked; the fourth is named with the reason.
	for _, n := range r.Nodes {
		var got []string
		for _, d := range n.Databases {
			got = append(got, d.Name+"|"+map[bool]string{true: "skipped"}[d.Skipped != ""])
		}
		if strings.Join(got, ",") != "postgres|,billing|,shop|,vault|skipped" {
			t.Errorf("%s: databases %v", n.Name, got)
		}
	}
	check := func(id string) *report.Check {
		for i := range r.Checks {
			if r.Checks[i].ID == id {
				return &r.Checks[i]
			}
		}
		t.Fatalf("no %s in the report", id)
		return nil
	}
	for _, c := range r.Checks {
		for _, res := range c.Results {
			if res.Status == checks.StatusError {
				t.Errorf("%s on %s/%s: %s", c.ID, res.Node, res.Database, res.Reason)
			}
		}
	}
	invalid := map[string]string{}
	for _, f := range check("H001").Findings {
		for _, table := range []string{"orders", "invoices", "vault_items"} {
			if strings.Contains(f.Conclusion, table+"_x") {
				invalid[table] = f.Database + " on " + strings.Join(f.Nodes, ",")
			}
		}
	}
	if invalid["orders"] != "shop on primary,standby1,standby2" || invalid["invoices"] != "billing on primary,standby1,standby2" || len(invalid) != 2 {
		t.Errorf("H001 findings by database: %v", invalid)
	}

	// A006: work_mem is the one row, with both values.
	var a006 []string
	for _, f := range check("A006").Findings {
		if f.Severity > checks.Info {
			a006 = append(a006, f.Code+": "+f.Conclusion)
		}
	}
	if len(a006) != 1 || !strings.Contains(a006[0], "work_mem") || !strings.Contains(a006[0], "4MB") || !strings.Contains(a006[0], "8MB") {
		t.Errorf("A006 findings: %q", a006)
	}

	// H002: scanned on standby1 only is not unused; unused on all three is, each zero shown.
	verdict := h002Verdicts(check("H002"))
	if v := verdict["items_nowhere"]; v.Code != "H002/unused-index" || v.Database != "shop" || strings.Count(v.Conclusion, " 0 since") != 3 {
		t.Errorf("items_nowhere: %+v", v)
	}
	if v := verdict["items_on_standby"]; v.Code == "H002/unused-index" {
		t.Errorf("items_on_standby called unused: %+v", v)
	}

	// Replication from both ends: the cascade in the topology, lag on both sides,
	// conflicts read on the standbys, the publication and its slot on the primary.
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile("(?m)^\\| `standby1` \\| `standby2` \\| [^|]+ \\| streaming \\|").Match(md) {
		t.Errorf("no standby1 -> standby2 row in the topology:\n%s", section(string(md), "C002"))
	}
	for _, res := range check("C004").Results {
		if res.Node != "primary" && (res.Status == checks.StatusSkipped || !strings.Contains(string(res.Data), "confl")) {
			t.Errorf("C004 on %s: %s %s", res.Node, res.Status, res.Data)
		}
	}
	for _, res := range check("C002").Results {
		if res.Node == "standby2" && !strings.Contains(string(res.Data), "replay") {
			t.Errorf("C002 on standby2 shows no replay position: %s", res.Data)
		}
	}
	pub := false
	for _, res := range check("C005").Results {
		if res.Node == "primary" && res.Database == "shop" && strings.Contains(string(res.Data), "shop_pub") && strings.Contains(string(res.Data), "shop_sub") {
			pub = true
		}
	}
	if !pub {
		t.Error("C005 on the primary's shop database shows no publication shop_pub with its subscriber's slot")
	}

	// The counts agree: the Markdown summary and the JSON.
	for _, s := range []checks.Severity{checks.P1, checks.P2, checks.P3} {
		n := 0
		for _, c := range r.Checks {
			for _, f := range c.Findings {
				if f.Severity == s {
					n += f.Weight()
				}
			}
		}
		if n != r.Count(s) {
			t.Errorf("%s: %d in the JSON, %d in the report's count", s, n, r.Count(s))
		}
	}

	// With standby2 stopped the verdict on items_nowhere is unknown, never "drop".
	if err := s2.Stop(); err != nil {
		t.Fatal(err)
	}
	r = run(exitCheckErrors, cl, s1, s2) // exit 1: a node unreachable
	verdict = h002Verdicts(check("H002"))
	if v := verdict["items_nowhere"]; v.Code != "H002/unused-unknown" || v.Severity != checks.Info || strings.Contains(v.Recommendation, "DROP") {
		t.Errorf("items_nowhere with standby2 down: %+v", v)
	}
}

func h002Verdicts(c *report.Check) map[string]checks.Finding {
	out := map[string]checks.Finding{}
	for _, f := range c.Findings {
		for _, o := range f.Objects {
			name := string(o)
			name = name[strings.LastIndex(name, ".")+1:]
			if _, seen := out[name]; !seen || f.Code == "H002/unused-index" || f.Code == "H002/unused-unknown" {
				out[name] = f
			}
		}
	}
	return out
}

func section(md, id string) string {
	i := strings.Index(md, "### "+id)
	if i < 0 {
		return ""
	}
	j := strings.Index(md[i+4:], "\n### ")
	if j < 0 {
		return md[i:]
	}
	return md[i : i+4+j]
}

// scanOn scans index on cl's database db and waits until the statistics show it.
func scanOn(t *testing.T, cl *pgtest.Cluster, db, index, query string) {
	t.Helper()
	ctx := context.Background()
	conn, err := cl.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SET enable_seqscan = off; SET enable_bitmapscan = off; "+query); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var n int64
		if err := conn.QueryRow(ctx, "SELECT idx_scan FROM pg_stat_all_indexes WHERE indexrelname = $1", index).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
	}
	t.Fatalf("the scan of %s never reached the statistics", index)
}

// waitReplay waits until standby cl has replayed what its upstream had when it is called.
func waitReplay(t *testing.T, cl *pgtest.Cluster) {
	t.Helper()
	ctx := context.Background()
	conn, err := cl.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var ok bool
		if err := conn.QueryRow(ctx, "SELECT count(*) > 0 FROM pg_database WHERE datname = 'shop'").Scan(&ok); err == nil && ok {
			var n string
			if err := conn.QueryRow(ctx, "SELECT status FROM pg_stat_wal_receiver").Scan(&n); err == nil && n == "streaming" {
				return
			}
		}
	}
	t.Fatal("standby " + strconv.Itoa(cl.Port) + " never streamed")
}
