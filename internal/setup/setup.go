// Package setup holds the SQL that prepares a monitoring role for pgcheckup without
// superuser (pg_monitor, and helper functions that read what pg_stats and pg_sequences
// hide from it), and what the checks need to recognise those helpers: their names,
// signatures and bodies, so that a look-alike is never called.
//
// This is pgcheckup's only write path: `pgcheckup setup ROLE --apply` runs it over an
// admin connection. `run` never imports it to write.
package setup

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/jackc/pgx/v5"
)

// Version is the version of the helpers this pgcheckup installs and expects. Raise it
// whenever a helper's body or signature changes.
const Version = 1

// Schema and Owner are what setup creates: the helpers' schema and its NOLOGIN owner.
const (
	Schema = "pgcheckup"
	Owner  = "pgcheckup_owner"
)

var (
	//go:embed install.sql
	installSQL string
	//go:embed uninstall.sql
	uninstallSQL string
)

// Function is one helper as setup creates it.
type Function struct {
	Name string // without the schema, e.g. "column_stats"
	Args string // as pg_get_function_identity_arguments prints them, e.g. "rels oid[]"
	Body string // prosrc, byte for byte
}

var funcRE = regexp.MustCompile(`(?s)CREATE OR REPLACE FUNCTION pgcheckup\.(\w+)\(([^)]*)\).*?AS \$body\$(.*?)\$body\$`)

// Functions lists the helpers this version installs, read from the SQL it runs.
func Functions() []Function {
	var out []Function
	for _, m := range funcRE.FindAllStringSubmatch(expand(installSQL, "x"), -1) {
		out = append(out, Function{Name: m[1], Args: m[2], Body: m[3]})
	}
	return out
}

// VersionOf reads the version from the body of an installed helper_version(), without
// calling it; ok is false when the body is not one setup writes.
func VersionOf(body string) (v int, ok bool) {
	n, found := strings.CutPrefix(body, "SELECT ")
	if !found {
		return 0, false
	}
	v, err := strconv.Atoi(n)
	return v, err == nil
}

// Install returns the SQL that prepares role, in a transaction block (for psql).
func Install(role string) (string, error) {
	if err := checkRole(role); err != nil {
		return "", err
	}
	return "BEGIN;\n" + expand(installSQL, role) + "COMMIT;\n", nil
}

// Uninstall returns the SQL that removes what Install created (not role, nor its
// pg_monitor membership), in a transaction block.
func Uninstall(role string) (string, error) {
	if err := checkRole(role); err != nil {
		return "", err
	}
	return "BEGIN;\n" + uninstallSQL + "COMMIT;\n", nil
}

// Apply runs Install's (or, with uninstall, Uninstall's) SQL on conn in one explicit
// transaction: either all of it holds, or nothing.
func Apply(ctx context.Context, conn *pgx.Conn, role string, uninstall bool) error {
	if err := checkRole(role); err != nil {
		return err
	}
	body := expand(installSQL, role)
	if uninstall {
		body = uninstallSQL
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("setup: begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit it is a no-op
	// Without arguments pgx sends the script as one simple query: statement by
	// statement, inside the transaction opened above.
	if _, err := tx.Exec(ctx, body); err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("setup: commit: %w", err)
	}
	return nil
}

func expand(sql, role string) string {
	sql = strings.ReplaceAll(sql, "@version@", strconv.Itoa(Version))
	return strings.ReplaceAll(sql, "@role@", quoteIdent(role))
}

// checkRole refuses names that cannot be a role's: empty, too long, or with control
// characters (which no quoting makes safe to print into a script).
func checkRole(role string) error {
	switch {
	case role == "":
		return errors.New("setup: a role name is needed")
	case len(role) > 63:
		return fmt.Errorf("setup: role name longer than 63 bytes")
	case strings.IndexFunc(role, unicode.IsControl) >= 0:
		return fmt.Errorf("setup: role name with a control character")
	case role == Owner:
		return fmt.Errorf("setup: %s is the helpers' owner, not a monitoring role", Owner)
	}
	return nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
