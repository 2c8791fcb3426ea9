package pipeline

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/all"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/session"
	"github.com/pgcheckup/pgcheckup/report"
)

// TestPlanDatabases: the connection's database first, the rest in order; -d restricts,
// patterns exclude, the cap counts what it leaves out, and a database the role cannot
// enter is named with the reason.
func TestPlanDatabases(t *testing.T) {
	list := []session.DatabaseEntry{
		{Name: "app", AllowConn: true, Connect: true},
		{Name: "closed", AllowConn: false, Connect: true},
		{Name: "postgres", AllowConn: true, Connect: true},
		{Name: "secret", AllowConn: true, Connect: false},
		{Name: "tenant_1", AllowConn: true, Connect: true},
		{Name: "tenant_2", AllowConn: true, Connect: true},
	}
	names := func(ds []report.Database) (out []string) {
		for _, d := range ds {
			s := d.Name
			if d.Skipped != "" {
				s += "!"
			}
			out = append(out, s)
		}
		return out
	}
	check, named, left := DatabaseFilter{}.plan(list, "postgres", "mon")
	if want := []string{"postgres", "app", "tenant_1", "tenant_2"}; !slices.Equal(check, want) || left != 0 {
		t.Errorf("all: check %v left %d, want %v", check, left, want)
	}
	if want := []string{"postgres", "app", "closed!", "secret!", "tenant_1", "tenant_2"}; !slices.Equal(names(named), want) {
		t.Errorf("all: named %v, want %v", names(named), want)
	}
	if !strings.Contains(named[3].Skipped, `GRANT CONNECT ON DATABASE secret TO mon`) {
		t.Errorf("no-CONNECT reason %q", named[3].Skipped)
	}
	check, named, left = DatabaseFilter{Exclude: []string{"tenant_*"}, Max: 2}.plan(list, "postgres", "mon")
	if want := []string{"postgres", "app"}; !slices.Equal(check, want) || left != 0 || len(named) != 4 {
		t.Errorf("exclude: check %v named %v left %d", check, names(named), left)
	}
	check, _, left = DatabaseFilter{Max: 2}.plan(list, "postgres", "mon")
	if want := []string{"postgres", "app"}; !slices.Equal(check, want) || left != 2 {
		t.Errorf("cap: check %v left %d", check, left)
	}
	check, named, _ = DatabaseFilter{Only: []string{"tenant_2", "nope", "app"}}.plan(list, "tenant_2", "mon")
	if want := []string{"tenant_2", "app"}; !slices.Equal(check, want) || !slices.Equal(names(named), []string{"tenant_2", "nope!", "app"}) {
		t.Errorf("only: check %v named %v", check, names(named))
	}
	if err := (DatabaseFilter{Exclude: []string{"[a"}}).Validate(); err == nil {
		t.Error("a malformed pattern passed")
	}
}

// TestEveryDatabase: a run as a pg_monitor role checks every database it may enter,
// each result and finding naming its database; the database with CONNECT revoked is
// skipped with the reason; cluster checks run once per node; the standby runs the same
// databases on its own, one connection at a time.
func TestEveryDatabase(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{})
	for _, sql := range []string{"CREATE ROLE mon LOGIN", "GRANT pg_monitor TO mon", "CREATE DATABASE shop",
		"CREATE DATABASE billing", "CREATE DATABASE vault", "REVOKE CONNECT ON DATABASE vault FROM PUBLIC"} {
		if err := cl.Exec(ctx, "postgres", sql); err != nil {
			t.Fatal(err)
		}
	}
	// a different invalid index in each database (a failed CREATE INDEX CONCURRENTLY)
	for db, table := range map[string]string{"shop": "orders", "billing": "invoices", "vault": "vault_items"} {
		if err := cl.Exec(ctx, db, "CREATE TABLE "+table+" (x int); INSERT INTO "+table+" VALUES (1), (1)"); err != nil {
			t.Fatal(err)
		}
		if err := cl.Exec(ctx, db, "CREATE UNIQUE INDEX CONCURRENTLY "+table+"_x ON "+table+" (x)"); err == nil {
			t.Fatal("the unique index was built")
		}
	}
	sb := pgtest.StandbyForTest(t, cl, nil)
	var list []checks.Check
	for _, c := range all.Checks() {
		if id := c.Meta().ID; id == "A002" || id == "H001" {
			list = append(list, c)
		}
	}
	rep, err := Run(ctx, Config{
		Project: "p",
		Targets: []Target{target(t, "primary", cl.ConnStringAs("mon", "postgres")), target(t, "standby", sb.ConnStringAs("mon", "postgres"))},
		Session: limits, Checks: list, Sanitizer: sanitizer(t), NodeParallelism: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range rep.Nodes {
		var got []string
		for _, d := range n.Databases {
			got = append(got, d.Name)
			if (d.Name == "vault") != (d.Skipped != "") || (d.Name == "vault" && !strings.Contains(d.Skipped, "CONNECT")) {
				t.Errorf("%s: database %+v", n.Name, d)
			}
		}
		if want := []string{"postgres", "billing", "shop", "vault"}; !slices.Equal(got, want) {
			t.Errorf("%s: databases %v, want %v", n.Name, got, want)
		}
	}
	a002, h001 := rep.Checks[0], rep.Checks[1]
	if len(a002.Results) != 2 || a002.Results[0].Database != "" {
		t.Errorf("A002 ran %d times (once per node expected): %+v", len(a002.Results), a002.Results)
	}
	if len(h001.Results) != 6 {
		t.Fatalf("H001 results %d, want 3 databases x 2 nodes", len(h001.Results))
	}
	where := map[string]string{} // table -> database of its finding
	for _, f := range h001.Findings {
		for _, seq := range []string{"orders", "invoices", "vault_items"} {
			if strings.Contains(f.Conclusion, seq) {
				where[seq] = f.Database
				if len(f.Nodes) != 2 {
					t.Errorf("finding on %s not merged across both nodes: %v", seq, f.Nodes)
				}
			}
		}
	}
	if where["orders"] != "shop" || where["invoices"] != "billing" || where["vault_items"] != "" {
		t.Errorf("findings by database %v (H001 findings %+v)", where, h001.Findings)
	}
}
