package checks

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pgcheckup/pgcheckup/internal/setup"
)

// NeedHelpers is what F004, F005 and L003 need for full results as a role that is not a
// superuser: the helpers `pgcheckup setup ROLE --apply` installs. It is not a gate: without
// them the check runs and says what it could not see. `list` and `explain` show it.
const NeedHelpers Requirement = "superuser or helpers (pgcheckup setup)"

// SetupCommand is the hint for a role that cannot see what the helpers would show.
func SetupCommand(role string) string {
	return "pgcheckup setup " + QuoteIdent(role) + " --apply"
}

// HelperState says whether the session may read through the setup helpers.
type HelperState struct {
	Usable bool
	// Installed and Version: what the catalog shows (Version 0: unknown).
	Installed bool
	Version   int
	// Problem says why helpers that are there are not used (outdated, not trusted).
	Problem string
}

// helpersQuery reads the helpers' definitions from the catalog; nothing in schema
// pgcheckup is called before they have been compared with what setup writes.
const helpersQuery = `/* pgcheckup @id@ */
-- Whether the setup helpers are installed and may be trusted (see checks.Helpers): read
-- from the catalog; nothing in schema pgcheckup is called here.
SELECT p.proname::text, p.proargtypes::pg_catalog.regtype[]::pg_catalog.text, p.prosrc,
       p.prosecdef,
       -- owned by the NOLOGIN role setup creates, which owns the schema too: no one who
       -- can log in (but a superuser) may replace the bodies between this look and a call
       p.proowner = n.nspowner AND r.rolname = 'pgcheckup_owner' AND NOT r.rolcanlogin AS owned,
       COALESCE(p.proconfig, '{}') AS config,
       p.prolang = (SELECT l.oid FROM pg_catalog.pg_language l WHERE l.lanname = 'sql') AS is_sql,
       pg_catalog.has_function_privilege(p.oid, 'EXECUTE') AND pg_catalog.has_schema_privilege(n.oid, 'USAGE') AS may
FROM pg_catalog.pg_namespace n
JOIN pg_catalog.pg_proc p ON p.pronamespace = n.oid
JOIN pg_catalog.pg_roles r ON r.oid = n.nspowner
WHERE n.nspname = 'pgcheckup'`

// pinnedPath is the proconfig every helper must carry.
const pinnedPath = "search_path=pg_catalog, pg_temp"

// Helpers finds out whether the helpers are installed, of the version this pgcheckup
// expects, and trustworthy: every function setup creates is there, in schema pgcheckup,
// SECURITY DEFINER, owned by the NOLOGIN role pgcheckup_owner that owns the schema, with search_path pinned, in SQL, with
// the very body setup writes, and executable by the session. Anything else (a
// look-alike someone else planted) is not called: nobody else's code runs in the session.
func Helpers(ctx context.Context, db Querier, id string) (HelperState, error) {
	rows, err := db.Query(ctx, HelpersQuery(id))
	if err != nil {
		return HelperState{}, fmt.Errorf("look for the setup helpers: %w", err)
	}
	defer rows.Close()
	type found struct {
		body                  string
		definer, owned, isSQL bool
		may                   bool
		config                []string
	}
	have := map[string]found{}
	for rows.Next() {
		var name, args string
		var f found
		if err := rows.Scan(&name, &args, &f.body, &f.definer, &f.owned, &f.config, &f.isSQL, &f.may); err != nil {
			return HelperState{}, fmt.Errorf("look for the setup helpers: %w", err)
		}
		// oidvector is indexed from 0, so its text has bounds: "[0:1]={oid[],integer}".
		if i := strings.Index(args, "="); strings.HasPrefix(args, "[") && i > 0 {
			args = args[i+1:]
		}
		have[name+"("+args+")"] = f
	}
	if err := rows.Err(); err != nil {
		return HelperState{}, fmt.Errorf("look for the setup helpers: %w", err)
	}
	var st HelperState
	if len(have) == 0 {
		return st, nil
	}
	st.Installed = true
	v, ok := have["helper_version({})"]
	if ok {
		st.Version, ok = setup.VersionOf(v.body)
	}
	switch {
	case !ok:
		st.Problem = "schema pgcheckup holds functions setup did not write; they are not called"
		return st, nil
	case st.Version < setup.Version:
		st.Problem = fmt.Sprintf("the helpers in schema pgcheckup are version %d, this pgcheckup expects %d: run `pgcheckup setup ROLE --apply` again to upgrade them",
			st.Version, setup.Version)
		return st, nil
	case st.Version > setup.Version:
		st.Problem = fmt.Sprintf("the helpers in schema pgcheckup are version %d, newer than this pgcheckup knows (%d): use a newer pgcheckup",
			st.Version, setup.Version)
		return st, nil
	}
	for _, want := range setup.Functions() {
		f, ok := have[want.Name+"("+argTypes(want.Args)+")"]
		switch {
		case !ok:
			st.Problem = fmt.Sprintf("helper pgcheckup.%s(%s) is missing: run `pgcheckup setup ROLE --apply` again", want.Name, want.Args)
		case f.body != want.Body || !f.isSQL:
			st.Problem = fmt.Sprintf("helper pgcheckup.%s is not the one setup writes; it is not called", want.Name)
		case !f.definer || !f.owned || !slices.Equal(f.config, []string{pinnedPath}):
			st.Problem = fmt.Sprintf("helper pgcheckup.%s is not SECURITY DEFINER, owned by pgcheckup_owner (NOLOGIN) as the schema is, with search_path pinned; it is not called", want.Name)
		case !f.may:
			st.Problem = fmt.Sprintf("the role may not execute pgcheckup.%s: run `pgcheckup setup ROLE --apply` for it", want.Name)
		}
		if st.Problem != "" {
			return st, nil
		}
	}
	st.Usable = true
	return st, nil
}

// HelperUse is what a check's data says about the helpers: whether it read through them
// and, when it could not, why.
type HelperUse struct {
	Used    bool `json:"used"`
	Version int  `json:"version,omitempty"`
	// Note: what was read through them, or why they were not used.
	Note Text `json:"note,omitempty"`
}

// NotUsed is what a check reports when the helpers were not usable: not installed, or
// the problem found with them.
func (st HelperState) NotUsed() *HelperUse {
	note := "pgcheckup helpers not installed"
	if st.Installed {
		note = st.Problem
	}
	return &HelperUse{Version: st.Version, Note: Text(note)}
}

// HelpersHint is the recommendation's sentence for statistics or sequences the role may
// not read: the setup command first (no superuser at run time, nothing else widened).
// problem is HelperState.Problem when helpers were found but not used.
func HelpersHint(problem string) string {
	s := "Prepare the role with `pgcheckup setup <role> --apply` (run once by an admin, in each database checked: pg_monitor and helper functions that show pgcheckup what it needs here and nothing more; see docs/least-privilege.md)."
	if problem != "" {
		s = "The pgcheckup helpers were found but not used: " + Esc(problem) + ". " + s
	}
	return s
}

// HelpersQuery is the statement Helpers sends for check id; checks that use the helpers
// list it in Queries, so that `pgcheckup sql` shows it.
func HelpersQuery(id string) string { return strings.Replace(helpersQuery, "@id@", id, 1) }

// argTypes turns a declared argument list ("rels oid[], n int") into the text of the
// regtype[] the catalog holds for it ("{oid[],integer}"). Setup's helpers take only types
// whose names print as declared.
func argTypes(args string) string {
	var types []string
	for _, a := range strings.Split(args, ",") {
		if f := strings.Fields(a); len(f) > 0 {
			types = append(types, f[len(f)-1])
		}
	}
	return "{" + strings.Join(types, ",") + "}"
}
