// Package a005 lists the extensions installed in the connected database and compares
// each with the default version the server's extension files offer.
package a005

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

//go:embed a005.sql
var query string

// Check is A005.
type Check struct{}

// New returns A005.
func New() *Check { return &Check{} }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "A005", Title: "Extensions", Scope: checks.Database, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "a005.sql", SQL: query}}
}

// Extension states, chosen by the check.
const (
	Current  = "current"  // installed version is the default one
	Outdated = "outdated" // the server's files offer a newer default version
	Newer    = "newer"    // installed version is newer than the files' default
	Missing  = "missing"  // no extension files on this server for an installed extension
)

// Extension is one installed extension.
type Extension struct {
	Name           checks.Name  `json:"name"`
	Installed      checks.Text  `json:"installed_version"`
	DefaultVersion checks.Text  `json:"default_version,omitempty"` // empty when the files are missing
	Schema         checks.Name  `json:"schema"`
	Relocatable    bool         `json:"relocatable"`
	Comment        checks.Text  `json:"comment,omitempty"`
	State          checks.Label `json:"state"`
}

// Data is what A005 reports.
type Data struct {
	Database   checks.Name `json:"database"` // extensions are per database: this one was read
	Extensions []Extension `json:"extensions"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	rows, err := t.DB.Query(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("read extensions: %w", err)
	}
	defer rows.Close()
	d := Data{Database: checks.Name(t.Node.Database), Extensions: []Extension{}}
	for rows.Next() {
		var e Extension
		var available bool
		if err := rows.Scan(&e.Name, &e.Installed, &e.DefaultVersion, &available, &e.Schema,
			&e.Relocatable, &e.Comment); err != nil {
			return nil, fmt.Errorf("read extensions: %w", err)
		}
		e.State = state(string(e.Installed), string(e.DefaultVersion), available)
		d.Extensions = append(d.Extensions, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read extensions: %w", err)
	}
	return &checks.Outcome{Data: d, Findings: analyze(d)}, nil
}

func state(installed, def string, available bool) checks.Label {
	switch {
	case !available:
		return Missing
	case installed == def:
		return Current
	}
	if cmp, ok := compareVersions(installed, def); ok && cmp > 0 {
		return Newer
	}
	// Versions that do not compare as numbers ("1.0beta", "unpackaged") differ from the
	// default; ALTER EXTENSION ... UPDATE is what moves them there.
	return Outdated
}

// compareVersions compares dotted numeric versions ("1.10" > "1.9"); ok is false when
// either is not purely numeric.
func compareVersions(a, b string) (int, bool) {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(pa), len(pb)); i++ {
		x, y := 0, 0
		var err error
		if i < len(pa) {
			if x, err = strconv.Atoi(pa[i]); err != nil {
				return 0, false
			}
		}
		if i < len(pb) {
			if y, err = strconv.Atoi(pb[i]); err != nil {
				return 0, false
			}
		}
		if x != y {
			if x < y {
				return -1, true
			}
			return 1, true
		}
	}
	return 0, true
}

func analyze(d Data) []checks.Finding {
	var out []checks.Finding
	var outdated, missing []checks.Name
	var outList, stmts, missList []string
	for _, e := range d.Extensions {
		switch e.State {
		case Outdated:
			outdated = append(outdated, e.Name)
			outList = append(outList, fmt.Sprintf("%s %s (default %s)", checks.Code(string(e.Name)),
				checks.Code(string(e.Installed)), checks.Code(string(e.DefaultVersion))))
			stmts = append(stmts, "ALTER EXTENSION "+checks.QuoteIdent(string(e.Name))+" UPDATE;")
		case Missing:
			missing = append(missing, e.Name)
			missList = append(missList, fmt.Sprintf("%s %s", checks.Code(string(e.Name)), checks.Code(string(e.Installed))))
		}
	}
	db := checks.Code(string(d.Database))
	if len(outdated) > 0 {
		out = append(out, checks.Finding{Code: "A005/outdated", Severity: checks.P3, Objects: outdated,
			Conclusion: fmt.Sprintf("In database %s, %d extension(s) are older than the version the server's files offer: %s. "+
				"Updating the package does not update an installed extension; until then it misses the fixes of the newer version.",
				db, len(outdated), strings.Join(outList, ", ")),
			Recommendation: fmt.Sprintf("Read each extension's release notes, then run in database %s: %s. "+
				"Extensions are per database: repeat in every database where they are installed.",
				db, checks.Code(strings.Join(stmts, " ")))})
	}
	if len(missing) > 0 {
		out = append(out, checks.Finding{Code: "A005/files-missing", Severity: checks.P3, Objects: missing,
			Conclusion: fmt.Sprintf("In database %s, %d installed extension(s) have no extension files on this server: %s. "+
				"Their functions may fail when called, and dumps, restores and upgrades that recreate them will fail.",
				db, len(missing), strings.Join(missList, ", ")),
			Recommendation: "Install the extension's package for this PostgreSQL major on this server (and on every standby), " +
				"or drop the extension if it is no longer used."})
	}
	return out
}

const doc = `Lists the extensions installed in the connected database (` + "`pg_extension`" + `) with
their installed version, schema, and the default version offered by the extension files on
this server (` + "`pg_available_extensions`" + `, read from the server's extension directory).

Extensions are installed per database, and pgcheckup connects to one database per node:
the report names it. Run pgcheckup with ` + "`-d`" + ` for other databases to see theirs.

- **P3** ` + "`outdated`" + `: the installed version is older than the default version. Upgrading
  the operating system package only installs new files; ` + "`ALTER EXTENSION name UPDATE;`" + `
  is needed in each database to move to it. Versions that are not plain numbers and differ
  from the default are reported as outdated too.
- **P3** ` + "`files-missing`" + `: the extension is installed but this server has no files for it
  (package removed, or not installed on this standby): its functions may fail, and
  dump/restore or pg_upgrade will fail on it.

An installed version newer than the default (a downgraded package) is shown as "newer"
without a finding.`
