package setup_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/all"
	"github.com/pgcheckup/pgcheckup/checks/f004"
	"github.com/pgcheckup/pgcheckup/checks/f005"
	"github.com/pgcheckup/pgcheckup/checks/l003"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/demodb"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/setup"
)

// TestDemoAsPreparedRole is the acceptance test of least privilege: the demo database
// checked as a role with nothing but what `pgcheckup setup` gives (pg_monitor and the
// helpers, no superuser, no grant on the tables or sequences) reports the same P1
// findings and the same bloat figures (within 1 point) as a superuser. Before the setup
// the same role gets "unknown" with the setup command as the hint. A look-alike schema
// pgcheckup planted by another role is never called.
func TestDemoAsPreparedRole(t *testing.T) {
	pgtest.MultiServer(t) // runs on 12, 15 and 18, where the catalogs differ most
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"fsync": "off"}})
	if err := demodb.Load(ctx, cl, filepath.Join("..", "..", "testdata", "demo")); err != nil {
		t.Fatal(err)
	}
	cl.MustExec(t, "postgres", `CREATE ROLE watcher LOGIN; CREATE ROLE mallory LOGIN`)
	run := func(c checks.Check, role string) checktest.Result {
		return checktest.Run(t, cl, c, checktest.Options{DB: demodb.Name, Role: role})
	}

	// Without the helpers (pg_monitor only): unknown, and the hint names the command.
	cl.MustExec(t, "postgres", `GRANT pg_monitor TO watcher`)
	for _, c := range []struct {
		check checks.Check
		code  string
	}{{f004.New(), "F004/stats-not-visible"}, {f005.New(), "F005/stats-not-visible"}, {l003.New(), "L003/last-value-not-visible"}} {
		fs := run(c.check, "watcher").WithCode(c.code)
		if len(fs) != 1 || !strings.Contains(fs[0].Recommendation, "pgcheckup setup <role> --apply") {
			t.Errorf("without helpers, %s: %+v", c.code, fs)
		}
	}

	// A look-alike: schema pgcheckup with functions of the helpers' names, signatures and
	// options, owned by another role, that record a call. Nothing may call them.
	cl.MustExec(t, demodb.Name, `GRANT CREATE ON DATABASE demo TO mallory;
SET ROLE mallory;
CREATE SCHEMA pgcheckup;
CREATE TABLE pgcheckup.called (what text);
GRANT INSERT ON pgcheckup.called TO PUBLIC;
CREATE FUNCTION pgcheckup.helper_version() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$SELECT 1$$;
CREATE FUNCTION pgcheckup.column_stats(rels oid[])
RETURNS TABLE (relid oid, schemaname name, tablename name, attname name, attnum int2, inherited boolean, null_frac real, avg_width integer, n_distinct real)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$BEGIN RAISE LOG 'PGCHECKUP_LOOKALIKE_RAN column_stats'; END$$;
CREATE FUNCTION pgcheckup.sequences(seqs oid[])
RETURNS TABLE (seqrelid oid, schemaname name, sequencename name, data_type regtype, last_value bigint, min_value bigint, max_value bigint, increment_by bigint, cycle boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$BEGIN RAISE LOG 'PGCHECKUP_LOOKALIKE_RAN sequences'; END$$;
GRANT USAGE ON SCHEMA pgcheckup TO PUBLIC;
RESET ROLE;`)
	// The control: called by hand, the look-alike runs (and logs), so the test can see it.
	offset := len(readLog(t, cl))
	if _, err := connect(t, cl.ConnStringAs("watcher", demodb.Name)).Exec(ctx, `SELECT * FROM pgcheckup.column_stats('{}')`); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(readLog(t, cl)[offset:], "PGCHECKUP_LOOKALIKE_RAN") {
		t.Fatal("the look-alike did not log when called: the test would prove nothing")
	}
	offset = len(readLog(t, cl))
	for _, c := range []checks.Check{f004.New(), f005.New(), l003.New()} {
		r := run(c, "watcher")
		if r.Status == checks.StatusError {
			t.Errorf("%s among look-alikes: %s", c.Meta().ID, r.Reason)
		}
	}
	if log := readLog(t, cl)[offset:]; strings.Contains(log, "PGCHECKUP_LOOKALIKE_RAN") {
		t.Errorf("a look-alike helper was called:\n%s", grep(log, "PGCHECKUP_LOOKALIKE_RAN"))
	}
	// setup refuses to adopt the planted schema.
	admin := connect(t, cl.ConnString(demodb.Name))
	if err := setup.Apply(ctx, admin, "watcher", false); err == nil || !strings.Contains(err.Error(), "not owned by pgcheckup_owner") {
		t.Errorf("setup over a planted schema: %v", err)
	}
	cl.MustExec(t, demodb.Name, `DROP SCHEMA pgcheckup CASCADE`)

	if err := setup.Apply(ctx, admin, "watcher", false); err != nil {
		t.Fatal(err)
	}
	var super, prepared []string
	for _, c := range all.Checks() {
		if c.Meta().Workload {
			continue // they need a workload window; none reads what the helpers show
		}
		rs, rp := run(c, pgtest.Superuser), run(c, "watcher")
		super, prepared = append(super, p1s(rs)...), append(prepared, p1s(rp)...)
		switch c.Meta().ID {
		case "F004":
			var ds, dp f004.Data
			rs.Decode(t, &ds)
			rp.Decode(t, &dp)
			if dp.Helpers == nil || !dp.Helpers.Used {
				t.Errorf("F004 as the prepared role did not use the helpers: %+v", dp.Helpers)
			}
			if md := rp.Markdown(t, "F004"); !strings.Contains(md, "Read through the pgcheckup helpers (version 1)") {
				t.Errorf("F004's report does not say it used the helpers:\n%s", md)
			}
			compare(t, "F004", bloat(ds.Tables, func(x f004.Table) (string, *float64) { return string(x.Table), x.BloatPct }),
				bloat(dp.Tables, func(x f004.Table) (string, *float64) { return string(x.Table), x.BloatPct }))
		case "F005":
			var ds, dp f005.Data
			rs.Decode(t, &ds)
			rp.Decode(t, &dp)
			if dp.Helpers == nil || !dp.Helpers.Used {
				t.Errorf("F005 as the prepared role did not use the helpers: %+v", dp.Helpers)
			}
			compare(t, "F005", bloat(ds.Indexes, func(x f005.Index) (string, *float64) { return string(x.Index), x.BloatPct }),
				bloat(dp.Indexes, func(x f005.Index) (string, *float64) { return string(x.Index), x.BloatPct }))
		case "L003":
			var dp l003.Data
			rp.Decode(t, &dp)
			if dp.Helpers == nil || !dp.Helpers.Used || dp.NotVisible != 0 {
				t.Errorf("L003 as the prepared role: helpers %+v, %d not visible", dp.Helpers, dp.NotVisible)
			}
		}
	}
	slices.Sort(super)
	slices.Sort(prepared)
	if len(super) == 0 || !slices.Equal(super, prepared) {
		t.Errorf("P1 findings differ:\nsuperuser:     %v\nprepared role: %v", super, prepared)
	}
	t.Logf("P1 findings in both runs: %v", super)
}

// p1s lists a result's P1 findings as code and objects.
func p1s(r checktest.Result) []string {
	var out []string
	for _, f := range r.Findings {
		if f.Severity == checks.P1 {
			out = append(out, fmt.Sprintf("%s %v", f.Code, f.Objects))
		}
	}
	return out
}

func bloat[T any](xs []T, key func(T) (string, *float64)) map[string]*float64 {
	m := map[string]*float64{}
	for _, x := range xs {
		k, v := key(x)
		m[k] = v
	}
	return m
}

// compare requires the prepared role's estimates to be those of the superuser, within
// one percentage point, and at least one estimate to compare.
func compare(t *testing.T, id string, super, prepared map[string]*float64) {
	t.Helper()
	n := 0
	for k, s := range super {
		p := prepared[k]
		switch {
		case s == nil && p == nil:
		case s == nil || p == nil:
			t.Errorf("%s %s: superuser %v, prepared role %v", id, k, s, p)
		case *s-*p > 1 || *p-*s > 1:
			t.Errorf("%s %s: superuser %.1f%%, prepared role %.1f%%", id, k, *s, *p)
		default:
			n++
		}
	}
	if n == 0 {
		t.Errorf("%s: no bloat figure to compare", id)
	}
	t.Logf("%s: %d bloat figures agree", id, n)
}
