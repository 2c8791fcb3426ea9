// Package pgstattuple holds what the bloat checks (F004, F005) share about their opt-in
// precise mode: finding the extension's schema, and recording why nothing was measured.
// Precise mode never fails a check.
package pgstattuple

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/checks"
)

// ExtSQL is the statement a check sends to find pgstattuple's schema and version. It is
// a fixed text per check ID: the ID only fills the marker comment.
func ExtSQL(id string) string {
	return "/* pgcheckup " + id + " */\n" + `SELECT n.nspname, e.extversion
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = 'pgstattuple'`
}

// Precise is what a report says about precise mode.
type Precise struct {
	Requested bool        `json:"requested"`
	Measured  int         `json:"measured"` // relations measured
	Schema    checks.Name `json:"extension_schema,omitempty"`
	Problem   checks.Text `json:"problem,omitempty"` // why nothing was measured
	Hint      checks.Text `json:"hint,omitempty"`
	// Locked are candidates another session holds or awaits an ACCESS EXCLUSIVE lock on:
	// measuring them would wait for it, and pgcheckup never waits for locks.
	Locked []Relation `json:"locked,omitempty"`
}

// Relation names a table or an index.
type Relation struct {
	Schema checks.Name `json:"schema"`
	Name   checks.Name `json:"name"`
}

// Prepare marks precise mode as requested and returns the schema that holds the
// extension, whose functions the check calls by qualified name (checks.InSchema); ok is
// false, and p says why, when it is not installed.
func Prepare(ctx context.Context, t *checks.Target, sql string, p *Precise) (schema string, ok bool) {
	p.Requested = true
	var version string
	err := t.DB.QueryRow(ctx, sql).Scan(&schema, &version)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		p.Problem = "the extension pgstattuple is not installed in this database"
		p.Hint = checks.Text("Install it as a superuser in database " + t.Node.Database + " with CREATE EXTENSION pgstattuple; then run again with --precise-bloat.")
		return "", false
	case err != nil:
		p.Problem = checks.Text("cannot tell whether pgstattuple is installed: " + err.Error())
		return "", false
	}
	p.Schema = checks.Name(schema)
	return schema, true
}

// Fail records that calling fn failed; the estimates stay as they are.
func Fail(p *Precise, fn string, err error, user string) {
	p.Problem = checks.Text(fn + " failed: " + err.Error())
	p.Hint = "Check the error; the estimates are unaffected."
	if checks.IsPermissionDenied(err) {
		p.Hint = checks.Text(fmt.Sprintf("Grant the role the right to call it: GRANT pg_stat_scan_tables TO %s; (or run as a superuser). pgstattuple 1.5 or newer is needed for that (ALTER EXTENSION pgstattuple UPDATE;).", checks.QuoteIdent(user)))
	}
}
