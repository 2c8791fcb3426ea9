// Package demodb loads the demo database (testdata/demo) into a harness cluster: the
// database `make demo` checks and the integration tests expect planted problems in.
// LoadCluster adds what the demo shows on top of it: a second database with problems of
// its own, a database the monitoring role may not connect to, and that role.
package demodb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// Name is the demo database's name.
const Name = "demo"

// Billing is the second demo database (testdata/demo/billing*.sql), with problems the
// demo database does not have: an unindexed foreign key, an invalid index, a smallint
// identity near its limit whose sequence the monitoring role may not read, a planner
// setting changed for the database.
const Billing = "billing"

// Restricted is a database whose CONNECT privilege is revoked from PUBLIC: the monitoring
// role may not connect to it, so the report shows it skipped with the reason.
const Restricted = "payroll"

// Monitor is the monitoring role LoadCluster creates: LOGIN, a member of pg_monitor,
// nothing else but SELECT on the demo database's sequences (the GRANT L003 names), and
// CONNECT on the databases through PUBLIC, as the README recommends.
const Monitor = "checkup"

// MonitorPassword is Monitor's password (the harness's clusters are throwaway and listen
// on 127.0.0.1 only). LoadCluster makes every role but the bootstrap superuser log in with
// a password (pgtest's RequirePassword), so pass it as PGPASSWORD.
const MonitorPassword = "demo-checkup-password"

// Databases are the databases LoadCluster creates, in the order it creates them.
var Databases = []string{Name, Billing, Restricted}

// Load creates the demo database from the SQL files in dir (testdata/demo).
func Load(ctx context.Context, cl *pgtest.Cluster, dir string) error {
	if err := load(ctx, cl, dir, Name, "schema.sql", "concurrent.sql", demoWorkload); err != nil {
		return err
	}
	return settle(ctx, cl, Name)
}

// LoadCluster loads the demo database and the billing database, creates the restricted
// database and the monitoring role, and requires passwords (the server restarts once,
// before anything is loaded).
// Add standbys after it: they copy all of it.
func LoadCluster(ctx context.Context, cl *pgtest.Cluster, dir string) error {
	// First, while the cluster is empty and its restart quick; the superuser keeps trust.
	if err := cl.RequirePassword(ctx); err != nil {
		return err
	}
	if err := load(ctx, cl, dir, Name, "schema.sql", "concurrent.sql", demoWorkload); err != nil {
		return err
	}
	if err := load(ctx, cl, dir, Billing, "billing.sql", "billing_concurrent.sql", billingWorkload); err != nil {
		return err
	}
	if err := cl.Exec(ctx, "postgres", "CREATE DATABASE "+Restricted); err != nil {
		return err
	}
	if err := cl.Exec(ctx, Restricted, `REVOKE CONNECT ON DATABASE `+Restricted+` FROM PUBLIC;
CREATE TABLE salaries (employee_id int PRIMARY KEY, amount numeric NOT NULL);`); err != nil {
		return err
	}
	// The monitoring role. The password literal is fixed and quoted by us.
	if err := cl.Exec(ctx, "postgres", fmt.Sprintf(`CREATE ROLE %s LOGIN PASSWORD '%s';
GRANT pg_monitor TO %[1]s;`, Monitor, MonitorPassword)); err != nil {
		return err
	}
	// In the demo database only, the GRANT that L003 asks for, so that its sequences are
	// judged; in billing the role reads no sequence and L003 says so.
	if err := cl.Exec(ctx, Name, "GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO "+Monitor); err != nil {
		return err
	}
	return settle(ctx, cl, Name, Billing)
}

// The workloads: 50 statements each (%d is 0 to 49), so that the statistics views have
// something to show.
const (
	demoWorkload    = "SELECT * FROM customers WHERE id = %d"
	billingWorkload = "SELECT * FROM invoices WHERE id = %d"
)

// load creates db and runs schema (one script) and then concurrent (statements that
// cannot run in a transaction block, one by one; those that plant invalid indexes fail,
// on purpose) from dir, then the workload.
func load(ctx context.Context, cl *pgtest.Cluster, dir, db, schema, concurrent, workload string) error {
	if err := cl.Exec(ctx, "postgres", "CREATE DATABASE "+db); err != nil {
		return err
	}
	read := func(name string) (string, error) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		return string(b), err
	}
	sql, err := read(schema)
	if err != nil {
		return err
	}
	if err := cl.Exec(ctx, db, sql); err != nil {
		return fmt.Errorf("%s schema: %w", db, err)
	}
	conc, err := read(concurrent)
	if err != nil {
		return err
	}
	for _, stmt := range Statements(conc) {
		// The statements that plant invalid indexes do so by failing.
		_ = cl.Exec(ctx, db, stmt)
	}
	conn, err := cl.Connect(ctx, db)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for i := range 50 {
		if _, err := conn.Exec(ctx, fmt.Sprintf(workload, i)); err != nil {
			return fmt.Errorf("%s workload: %w", db, err)
		}
	}
	return nil
}

// settle runs ANALYZE in each of dbs once the statistics have counted the changes
// (before 15 they reach the views up to 500 ms later), or every table would look
// modified since its analyze; then it waits for the analyze to be counted too.
func settle(ctx context.Context, cl *pgtest.Cluster, dbs ...string) error {
	time.Sleep(1100 * time.Millisecond)
	for _, db := range dbs {
		if err := cl.Exec(ctx, db, "ANALYZE"); err != nil {
			return err
		}
	}
	time.Sleep(600 * time.Millisecond)
	return nil
}

// Statements splits a script of statements that must run one by one (";" at the end of
// a line ends one) and drops the comment lines and the empty statements.
func Statements(script string) []string {
	var out []string
	for _, stmt := range strings.Split(script, ";\n") {
		if s := strings.TrimSpace(stripComments(stmt)); s != "" {
			out = append(out, strings.TrimSuffix(s, ";"))
		}
	}
	return out
}

func stripComments(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
