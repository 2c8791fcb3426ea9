package all

import (
	"context"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/demodb"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/sqlaudit"
)

// The locked-relation test. Another session holds (or waits for) an ACCESS EXCLUSIVE
// lock, as a migration or a VACUUM FULL does; pgcheckup's sessions have a lock_timeout of
// 100 ms. Every check must still run: a check whose statement calls a function that
// locks a relation (sizes, definitions, expressions) skips the locked relation and names
// it, so the reader knows the result is partial.

// lockScenario plants a lock from its own session(s).
type lockScenario struct {
	name string
	// locked are the relations another session holds or awaits ACCESS EXCLUSIVE on.
	locked []string
	// named lists, per check, the locked relations the check meets in the demo database
	// (with its limits raised) and so must name as not (fully) read.
	named map[string][]string
	plant func(t *testing.T, cl *pgtest.Cluster) // holds the lock until the test ends
}

// tablesNamed is what the checks name when customers, orders and audit_log are locked.
var tablesNamed = map[string][]string{
	"F002": {"customers", "orders", "audit_log"}, // sizes
	"F004": {"customers", "orders"},              // pgstattuple_approx (precise)
	"H001": {"orders"},                           // the invalid index's definition
	"H002": {"customers"},                        // definitions of unused indexes
	"H004": {"customers"},                        // definitions
	"L001": {"customers", "orders", "audit_log"}, // sizes
	"L005": {"audit_log"},                        // the NOT VALID constraint's definition
}

var lockScenarios = []lockScenario{
	{name: "tables", locked: []string{"customers", "orders", "audit_log"}, named: tablesNamed,
		plant: func(t *testing.T, cl *pgtest.Cluster) {
			holdIn(t, cl, "BEGIN; LOCK TABLE customers, orders, audit_log IN ACCESS EXCLUSIVE MODE")
		}},
	{name: "indexes", locked: []string{"customers_pkey", "customers_email_idx", "customers_email_idx2", "customers_email_name_idx"},
		named: map[string][]string{
			"F005": {"customers_email_name_idx"},                                                // pgstatindex (precise)
			"H002": {"customers_email_idx", "customers_email_idx2", "customers_email_name_idx"}, // sizes
			"H004": {"customers_email_idx", "customers_email_idx2", "customers_email_name_idx"}, // sizes
			"L001": {"customers"},                                                               // its total size includes its indexes
		},
		plant: func(t *testing.T, cl *pgtest.Cluster) {
			// REINDEX TABLE runs in a transaction block; it holds ACCESS EXCLUSIVE on every
			// index of the table (and SHARE on the table) until the transaction ends.
			holdIn(t, cl, "BEGIN; REINDEX TABLE customers")
		}},
	{name: "sequence", locked: []string{"orders_id_seq"}, named: map[string][]string{"L003": {"orders_id_seq"}},
		plant: func(t *testing.T, cl *pgtest.Cluster) {
			holdIn(t, cl, "BEGIN; ALTER SEQUENCE orders_id_seq RENAME TO orders_id_seq_renamed")
		}},
	{name: "awaited", locked: []string{"customers", "orders", "audit_log"}, named: tablesNamed,
		plant: func(t *testing.T, cl *pgtest.Cluster) {
			// A lock that is only awaited blocks too: new lockers queue behind it.
			holdIn(t, cl, "BEGIN; LOCK TABLE customers, orders, audit_log IN ACCESS SHARE MODE")
			for _, table := range []string{"customers", "orders", "audit_log"} {
				await(t, cl, table)
			}
		}},
}

func TestLockedRelations(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	if err := demodb.Load(t.Context(), cl, filepath.Join("..", "..", "testdata", "demo")); err != nil {
		t.Fatal(err)
	}
	for _, sc := range lockScenarios {
		t.Run(sc.name, func(t *testing.T) {
			sc.plant(t, cl)
			for _, c := range checksWithRaisedLimits() {
				id := c.Meta().ID
				r := checktest.Run(t, cl, c, checktest.Options{DB: demodb.Name, PreciseBloat: true,
					Host: checks.HostFacts{RAMBytes: 16 << 30, CPUs: 4}})
				if r.Status == checks.StatusError {
					t.Errorf("%s: error with %v locked: %s", id, sc.locked, r.Reason)
					continue
				}
				md, err := r.MarkdownErr(id)
				if err != nil {
					t.Errorf("%s: render: %v", id, err)
					continue
				}
				want := sc.named[id]
				if len(want) == 0 {
					continue
				}
				for _, rel := range want {
					if !mentions(md, rel) {
						t.Errorf("%s: %s is locked but not named:\n%s", id, rel, md)
					}
				}
				if !strings.Contains(md, "holds or awaits") && !strings.Contains(md, "locked by another session") {
					t.Errorf("%s: nothing says that a lock kept something from being read:\n%s", id, md)
				}
			}
		})
	}
}

// lockingFuncs lock the relation they are given (or its table): behind another
// session's ACCESS EXCLUSIVE lock they wait, until lock_timeout.
var lockingFuncs = map[string]bool{
	"pg_relation_size": true, "pg_total_relation_size": true, "pg_table_size": true, "pg_indexes_size": true,
	"pg_get_indexdef": true, "pg_get_expr": true, "pg_get_constraintdef": true, "pg_get_viewdef": true,
	"pg_get_triggerdef": true, "pg_get_ruledef": true, "pg_sequence_last_value": true, "pg_partition_tree": true,
	"pgstattuple": true, "pgstattuple_approx": true, "pgstatindex": true, "pgstatginindex": true, "pgstathashindex": true,
}

// TestLockScenariosCoverLockingChecks keeps the scenarios honest: every check whose
// statements call a function that locks must meet one of the planted locks and be
// expected to name it.
func TestLockScenariosCoverLockingChecks(t *testing.T) {
	covered := map[string]bool{}
	for _, sc := range lockScenarios {
		for id := range sc.named {
			covered[id] = true
		}
	}
	for _, c := range Checks() {
		var calls []string
		for _, q := range c.Queries() {
			n, err := sqlaudit.NamesOf(checks.InSchema(q.SQL, "ext"))
			if err != nil {
				t.Fatalf("%s: %v", q.Name, err)
			}
			for _, f := range n.Funcs {
				if lockingFuncs[f.Name] {
					calls = append(calls, f.Name)
				}
			}
		}
		if id := c.Meta().ID; len(calls) > 0 && !covered[id] {
			t.Errorf("%s calls %v, which lock relations, but no lock scenario expects it to name a locked relation", id, calls)
		}
	}
}

// checksWithRaisedLimits is every check with its top-N limits raised, so that every
// relation of the demo database is among those a check measures.
func checksWithRaisedLimits() []checks.Check {
	list := Checks()
	for _, c := range list {
		cf, ok := c.(checks.Configurable)
		if !ok {
			continue
		}
		v := reflect.ValueOf(cf.Config()).Elem()
		for _, f := range []string{"TopN", "MaxTables", "Limit", "MaxColumns", "MaxSequences"} {
			if fv := v.FieldByName(f); fv.IsValid() && fv.Kind() == reflect.Int {
				fv.SetInt(10000)
			}
		}
	}
	return list
}

// await starts a session that waits for an ACCESS EXCLUSIVE lock on table until t ends.
func await(t *testing.T, cl *pgtest.Cluster, table string) {
	t.Helper()
	waiter := connect(t, cl)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = waiter.Exec(ctx, "BEGIN; LOCK TABLE "+table+" IN ACCESS EXCLUSIVE MODE")
	}()
	// runs before the connection is closed (cleanups run last-registered first)
	t.Cleanup(func() { cancel(); <-done })
	waitFor(t, cl, "SELECT count(*) > 0 FROM pg_locks WHERE NOT granted AND mode = 'AccessExclusiveLock' AND relation = '"+
		table+"'::regclass")
}

// mentions reports whether the Markdown md names rel as a whole word, escaped or not.
func mentions(md, rel string) bool {
	return regexp.MustCompile(`\b` + regexp.QuoteMeta(rel) + `\b`).MatchString(strings.ReplaceAll(md, `\_`, "_"))
}

// holdIn runs sql in a new session that stays open (with its transaction) until t ends.
func holdIn(t *testing.T, cl *pgtest.Cluster, sql string) {
	t.Helper()
	conn := connect(t, cl)
	if _, err := conn.Exec(t.Context(), sql); err != nil {
		t.Fatal(err)
	}
}

func connect(t *testing.T, cl *pgtest.Cluster) *pgx.Conn {
	t.Helper()
	conn, err := cl.Connect(t.Context(), demodb.Name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// waitFor polls a boolean query until it holds (up to 10 s).
func waitFor(t *testing.T, cl *pgtest.Cluster, query string) {
	t.Helper()
	conn := connect(t, cl)
	for range 100 {
		var ok bool
		if err := conn.QueryRow(t.Context(), query).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		if ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for: %s", query)
}
