package all

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/demodb"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/runner"
	"github.com/pgcheckup/pgcheckup/internal/session"
	"github.com/pgcheckup/pgcheckup/internal/sqlaudit"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// The hostile-catalog test (CVE-2018-1058 class). A database owner without superuser
// plants, in public and in a schema named after the checking role ("$user" comes first on
// the default search_path), look-alikes of every relation, function and operator that
// pgcheckup's statements name, with argument types that would win resolution. Each
// look-alike records that it ran with RAISE LOG, which a read-only transaction allows
// (as it allows COPY ... TO PROGRAM, the real attack). Every check then runs as the
// superuser: nothing planted may run, and every check must still succeed.

const hostileMark = "PGCHECKUP_HOSTILE_RAN"

// Argument types that catalog columns and literals resolve to; a look-alike over one of
// them can beat pg_catalog's operator when the types match better.
var (
	opTypes = []string{"name", "text", "oid", "int2", "int4", "int8", "float4", "float8", "numeric",
		"bool", `"char"`, "regclass", "regtype", "xid", "timestamptz", "interval", "pg_lsn", "bpchar"}
	funcTypes1 = append(slices.Clone(opTypes), "anyelement", "anyarray", "jsonb")
	funcTypes2 = []string{"text", "name", "oid", "int4", "int8", "float8", "numeric", "bool", "regclass", "anyelement"}
	// Operators worth overloading even if no statement names them today.
	bruteOps = []string{"=", "<>", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "~", "!~", "~~", "!~~",
		"~*", "!~*", "~~*", "||", "@>", "<@", "&&", "^"}
	arithOps = map[string]bool{"+": true, "-": true, "*": true, "/": true, "%": true, "^": true}
)

// hostileStatements is every statement pgcheckup can send, with extension schemas
// filled in as ext.
func hostileStatements() []string {
	out := []string{session.NodeQuery, session.SystemIDQuery, session.DatabasesQuery, session.ReplicasQuery, session.CatalogQuery, runner.ExtensionQuery}
	for _, c := range Checks() {
		for _, q := range c.Queries() {
			out = append(out, checks.InSchema(q.SQL, "ext"))
		}
	}
	for _, q := range workload.Queries() {
		out = append(out, checks.InSchema(q.SQL, "ext"))
	}
	return out
}

// plantSQL builds the hostile objects for the names in stmts. real maps a relation name
// to a SELECT of the real relation's columns (from r).
func plantSQL(t *testing.T, stmts []string, real map[string]string, schemas []string) string {
	var all sqlaudit.Names
	for _, s := range stmts {
		n, err := sqlaudit.NamesOf(s)
		if err != nil {
			t.Fatalf("%v:\n%s", err, s)
		}
		all.Relations = append(all.Relations, n.Relations...)
		all.Funcs = append(all.Funcs, n.Funcs...)
		all.Operators = append(all.Operators, n.Operators...)
	}
	var b strings.Builder
	b.WriteString(`CREATE FUNCTION public.pgcheckup_hostile_mark(what text) RETURNS bool
LANGUAGE plpgsql VOLATILE AS $f$BEGIN RAISE LOG '` + hostileMark + ` %', what; RETURN true; END$f$;
`)
	seen := map[string]bool{}
	once := func(key string) bool {
		if seen[key] {
			return false
		}
		seen[key] = true
		return true
	}
	fn := 0
	plantFunc := func(schema, name string, args []string, ret, label string) string {
		fn++
		fmt.Fprintf(&b, "CREATE FUNCTION %s.%s(%s) RETURNS %s LANGUAGE plpgsql AS $f$BEGIN PERFORM public.pgcheckup_hostile_mark(%s); RETURN NULL; END$f$;\n",
			schema, quote(name), strings.Join(args, ", "), ret, literal(label))
		return fmt.Sprintf("%s.%s", schema, quote(name))
	}
	for _, schema := range schemas {
		for _, rel := range all.Relations {
			src, ok := real[rel]
			if !ok || !once(schema+"."+rel) {
				continue
			}
			fmt.Fprintf(&b, "CREATE VIEW %s.%s AS %s WHERE public.pgcheckup_hostile_mark(%s);\n",
				schema, quote(rel), src, literal("view "+schema+"."+rel))
		}
		for _, f := range all.Funcs {
			if f.Star || !once(fmt.Sprintf("%s.%s/%d", schema, f.Name, f.Nargs)) {
				continue
			}
			for _, args := range argLists(f.Nargs) {
				ret := "text"
				if len(args) > 0 {
					ret = args[0]
				}
				plantFunc(schema, f.Name, args, ret, fmt.Sprintf("function %s.%s(%s)", schema, f.Name, strings.Join(args, ",")))
			}
		}
		ops := slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(bruteOps), all.Operators...))))
		for _, l := range opTypes {
			for _, r := range opTypes {
				for _, op := range ops {
					ret := "bool"
					switch {
					case arithOps[op]:
						ret = l
					case op == "||":
						ret = "text"
					}
					proc := plantFunc(schema, fmt.Sprintf("hostile_op_%d", fn), []string{l, r}, ret,
						fmt.Sprintf("operator %s.%s(%s,%s)", schema, op, l, r))
					fmt.Fprintf(&b, "CREATE OPERATOR %s.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = %s);\n", schema, op, l, r, proc)
				}
			}
		}
	}
	t.Logf("planted %d functions and operators, %d relation names, %d operators in %d schemas",
		fn, len(all.Relations), len(all.Operators), len(schemas))
	return b.String()
}

// argLists returns the argument type lists to plant for a function of n arguments.
func argLists(n int) [][]string {
	switch n {
	case 0:
		return [][]string{{}}
	case 1:
		var out [][]string
		for _, t := range funcTypes1 {
			out = append(out, []string{t})
		}
		return out
	case 2:
		var out [][]string
		for _, a := range funcTypes2 {
			for _, b := range funcTypes2 {
				out = append(out, []string{a, b})
			}
		}
		return out
	}
	var out [][]string
	for _, t := range funcTypes2 {
		same := slices.Repeat([]string{t}, n)
		out = append(out, same)
		if t != "text" {
			first := append([]string{t}, slices.Repeat([]string{"text"}, n-1)...)
			out = append(out, first)
		}
	}
	return out
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// hostileCluster starts a server with the demo database, its extensions moved to schema
// ext, and the hostile objects planted by the database's owner, mallory.
func hostileCluster(t *testing.T) *pgtest.Cluster {
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"max_prepared_transactions": "5"}})
	if err := demodb.Load(ctx, cl, filepath.Join("..", "..", "testdata", "demo")); err != nil {
		t.Fatal(err)
	}
	cl.MustExec(t, demodb.Name, `CREATE ROLE mallory LOGIN;
ALTER DATABASE demo OWNER TO mallory;
GRANT CREATE ON SCHEMA public TO mallory;
CREATE SCHEMA ext;
GRANT USAGE ON SCHEMA ext TO PUBLIC;
ALTER EXTENSION pg_stat_statements SET SCHEMA ext;
ALTER EXTENSION pgstattuple SET SCHEMA ext;
CREATE SCHEMA `+quote(pgtest.Superuser)+` AUTHORIZATION mallory;`)
	conn, err := cl.Connect(ctx, demodb.Name)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	real := map[string]string{}
	// Columns of pseudo-types (anyarray in pg_statistic) cannot be in a view.
	rows, err := conn.Query(ctx, `SELECT c.relname, pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) ||
		    ' AS r(' || pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY a.attnum) || ')',
		    pg_catalog.string_agg(CASE WHEN t.typtype <> 'p' THEN 'r.' || pg_catalog.quote_ident(a.attname) END, ', ' ORDER BY a.attnum)
		FROM pg_catalog.pg_class c
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
		WHERE n.nspname IN ('pg_catalog', 'ext') AND c.relkind IN ('r', 'v', 'm', 'f', 'p')
		GROUP BY c.relname, n.nspname`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var rel, from, cols string
		if err := rows.Scan(&rel, &from, &cols); err != nil {
			t.Fatal(err)
		}
		real[rel] = "SELECT " + cols + " FROM " + from
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	plant := plantSQL(t, hostileStatements(), real, []string{"public", quote(pgtest.Superuser)})
	if _, err := conn.Exec(ctx, "BEGIN; SET LOCAL ROLE mallory; "+plant+" COMMIT;"); err != nil {
		t.Fatalf("plant: %v", err)
	}
	return cl
}

var hostileRE = regexp.MustCompile(hostileMark + ` ([^\n]*)`)

// hostileRuns returns what the planted objects logged after offset bytes of the log.
func hostileRuns(t *testing.T, cl *pgtest.Cluster, offset int) ([]string, int) {
	b, err := os.ReadFile(cl.LogFile())
	if err != nil {
		t.Fatal(err)
	}
	var ran []string
	for _, m := range hostileRE.FindAllStringSubmatch(string(b[offset:]), -1) {
		if !slices.Contains(ran, m[1]) {
			ran = append(ran, m[1])
		}
	}
	return ran, len(b)
}

// TestHostileCatalog runs every check against planted look-alikes (see above), in a
// session as pgcheckup opens it and in one with an empty search_path, where only
// pg_catalog is searched (a name outside it that is not qualified fails there). It also
// proves the plants are live: a plain session on the default search_path runs them.
func TestHostileCatalog(t *testing.T) {
	cl := hostileCluster(t)
	ctx := context.Background()
	_, offset := hostileRuns(t, cl, 0)

	// The control: an ordinary session with the default search_path falls for them.
	plain, err := cl.Connect(ctx, demodb.Name)
	if err != nil {
		t.Fatal(err)
	}
	// (pg_stat_statements is read through its function, qualified with the extension's
	// schema, so no relation outside pg_catalog is planted to test a plain session with)
	for _, q := range []string{
		`SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname !~ '^pg_'`,
		`SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname ~ '^pg_'`,
	} {
		if _, err := plain.Exec(ctx, q); err != nil {
			t.Fatalf("control %s: %v", q, err)
		}
	}
	plain.Close(ctx)
	control, offset := hostileRuns(t, cl, offset)
	if len(control) < 2 {
		t.Fatalf("the planted objects did not run in a plain session (%v): the test would prove nothing", control)
	}

	for _, c := range Checks() {
		m := c.Meta()
		t.Run(m.ID, func(t *testing.T) {
			for _, empty := range []bool{false, true} {
				r := checktest.Run(t, cl, c, checktest.Options{DB: demodb.Name, PreciseBloat: true, EmptySearchPath: empty,
					Host: checks.HostFacts{RAMBytes: 16 << 30, CPUs: 4}})
				if r.Status == checks.StatusError {
					t.Errorf("error among hostile objects (empty search_path: %v): %s", empty, r.Reason)
				}
				var ran []string
				ran, offset = hostileRuns(t, cl, offset)
				for _, what := range ran {
					t.Errorf("planted code ran in pgcheckup's session (empty search_path: %v): %s", empty, what)
				}
			}
		})
	}
}
