package l005

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

var problems = map[checks.Label]string{
	NoIndex:      "Postgres records no index for it",
	OtherTable:   "the index it records is not on the referenced table",
	Invalid:      "the unique index it relies on is marked invalid (a failed CREATE or REINDEX CONCURRENTLY, or a catalog edit)",
	NotUnique:    "the index it relies on is not unique",
	Deferrable:   "the index it relies on checks uniqueness only at commit (deferrable)",
	Partial:      "the index it relies on is partial",
	OtherColumns: "the unique index it relies on is not over exactly the referenced columns",
}

func analyze(d Data) []checks.Finding {
	var out []checks.Finding
	notEnforced := 0
	for _, x := range d.NotValid {
		if x.NotEnforced {
			notEnforced++
			out = append(out, notEnforcedFinding(x))
			continue
		}
		obj := string(x.Schema) + "." + string(x.Object)
		where := "table " + checks.Code(obj)
		scan := fmt.Sprintf("scans %s (%s, about %.0f rows) under a SHARE UPDATE EXCLUSIVE lock, which does not block reads or writes", checks.Code(obj), checks.Bytes(x.Bytes), x.Rows)
		if x.OnDomain {
			where = "domain " + checks.Code(obj)
			scan = "checks every column of this domain"
		}
		why := "Rows written before it was added were never checked against it, and the planner does not rely on it."
		if x.Kind == "foreign key" {
			why = "Rows written before it was added were never checked: some may reference rows that do not exist."
		}
		def := checks.Code(string(x.Definition))
		if x.Locked {
			def = "definition not read: another session holds or awaits an ACCESS EXCLUSIVE lock on the table"
		}
		out = append(out, checks.Finding{Code: "L005/not-valid", Severity: checks.P3,
			Conclusion: fmt.Sprintf("The %s constraint %s on %s is NOT VALID (%s). %s",
				x.Kind, checks.Code(string(x.Constraint)), where, def, why),
			Recommendation: fmt.Sprintf("Validate it: %s. It %s; if it fails, the error names a violating row to fix first.",
				checks.Code(string(x.Fix)), scan),
			Objects: []checks.Name{checks.Name(obj), x.Constraint}})
	}
	for _, x := range d.BadFKs {
		table := string(x.Schema) + "." + string(x.Table)
		ref := string(x.RefSchema) + "." + string(x.RefTable)
		concl := fmt.Sprintf("Foreign key %s on %s references %s (%s), but %s", checks.Code(string(x.Constraint)),
			checks.Code(table), checks.Code(ref), codes(x.RefColumns), problems[x.Problem])
		if x.Index != "" {
			concl += fmt.Sprintf(" (%s)", checks.Code(string(x.IndexSchema)+"."+string(x.Index)))
		}
		concl += ". Postgres enforces foreign keys with lookups on that unique index; without it they are slow and uniqueness of the referenced key is not guaranteed."
		out = append(out, checks.Finding{Code: "L005/fk-without-unique-index", Severity: checks.P2, Conclusion: concl,
			Recommendation: fmt.Sprintf("Restore the unique index on the referenced columns: %s", checks.Code(string(x.Fix))),
			Objects:        []checks.Name{checks.Name(table), x.Constraint, checks.Name(ref)}})
	}
	listed := fmt.Sprintf("the %d on the largest tables", len(d.NotValid))
	notValid := len(d.NotValid) - notEnforced
	if u := checks.Unlisted("L005/not-valid", checks.P3, d.NotValidTotal-d.NotEnforcedTotal-notValid,
		d.NotValidTotal-d.NotEnforcedTotal, "NOT VALID constraints", listed); u != nil {
		out = append(out, *u)
	}
	if u := checks.Unlisted("L005/not-enforced", checks.Info, d.NotEnforcedTotal-notEnforced,
		d.NotEnforcedTotal, "NOT ENFORCED constraints", listed+" (NOT VALID ones first)"); u != nil {
		out = append(out, *u)
	}
	if u := checks.Unlisted("L005/fk-without-unique-index", checks.P2, d.BadFKsTotal-len(d.BadFKs), d.BadFKsTotal,
		"foreign keys without a usable unique index", fmt.Sprintf("the first %d", len(d.BadFKs))); u != nil {
		out = append(out, *u)
	}
	return out
}

// notEnforcedFinding: a NOT ENFORCED constraint (18) is a declaration Postgres never
// checks, by choice; VALIDATE CONSTRAINT refuses it. Info, with what would enforce it.
func notEnforcedFinding(x NotValid) checks.Finding {
	obj := string(x.Schema) + "." + string(x.Object)
	def := checks.Code(string(x.Definition))
	if x.Locked {
		def = "definition not read: another session holds or awaits an ACCESS EXCLUSIVE lock on the table"
	}
	concl := fmt.Sprintf("The %s constraint %s on table %s is declared NOT ENFORCED (%s): Postgres never checks it, "+
		"so rows may violate it, and the planner does not rely on it. It is not NOT VALID: VALIDATE CONSTRAINT refuses it.", x.Kind, checks.Code(string(x.Constraint)), checks.Code(obj), def)
	var rec string
	switch {
	case x.Kind == "foreign key":
		concl += " It has no triggers, so it costs nothing on writes."
		rec = fmt.Sprintf("If it is meant to hold, enforce it: %s. That checks every row of %s (%s), failing on the first "+
			"violating one, under an ACCESS EXCLUSIVE lock on it (and SHARE ROW EXCLUSIVE on the referenced table). On a large "+
			"table rather add the same foreign key again as NOT VALID, validate that one (reads and writes go on meanwhile), "+
			"then drop this one.", checks.Code(string(x.Fix)), checks.Code(obj), checks.Bytes(x.Bytes))
	case x.Fix != "":
		rec = fmt.Sprintf("If it is meant to hold: PostgreSQL 18 cannot make a check constraint enforced in place, so add it again: %s. "+
			"That scans %s (%s) under an ACCESS EXCLUSIVE lock; on a large table add it with NOT VALID instead and validate it afterwards.",
			checks.Code(string(x.Fix)), checks.Code(obj), checks.Bytes(x.Bytes))
	default:
		rec = "If it is meant to hold: PostgreSQL 18 cannot make a check constraint enforced in place; drop it and add it again without NOT ENFORCED."
	}
	return checks.Finding{Code: "L005/not-enforced", Severity: checks.Info, Conclusion: concl, Recommendation: rec,
		Objects: []checks.Name{checks.Name(obj), x.Constraint}}
}

func codes(names []checks.Name) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = checks.Code(string(n))
	}
	return strings.Join(parts, ", ")
}

const doc = `Two kinds of constraint that do not hold what they seem to. Reads ` + "`pg_constraint`" + `
and ` + "`pg_index`" + ` in two queries; each list is limited to ` + "`top_n`" + ` (default 50).

**NOT VALID constraints** (` + "`convalidated = false`" + `): foreign key, check and (on 18)
not-null constraints added with NOT VALID, usually to avoid a long lock during a
migration, and never validated afterwards. New and updated rows are checked, but rows that
existed before were not, and the planner does not use a NOT VALID check constraint (e.g.
to skip partitions). Constraints on domains count too. Copies on partitions and
inheritance children are not listed: validating the parent validates them. Largest table
first.

- **P3** each, with the ` + "`ALTER TABLE ... VALIDATE CONSTRAINT`" + ` (or ` + "`ALTER DOMAIN`" + `)
  statement. VALIDATE scans the table under a SHARE UPDATE EXCLUSIVE lock (a foreign key
  also takes ROW SHARE on the referenced table): reads and writes go on meanwhile.

**NOT ENFORCED constraints** (18, ` + "`conenforced = false`" + `): foreign keys and check
constraints declared NOT ENFORCED. They are not NOT VALID: Postgres never checks them and
VALIDATE CONSTRAINT refuses them. Listed after the NOT VALID ones.

- **Info** each: a foreign key with ` + "`ALTER TABLE ... ALTER CONSTRAINT ... ENFORCED`" + ` (it
  checks every row under an ACCESS EXCLUSIVE lock); a check constraint, which 18 cannot
  make enforced in place, with ` + "`ALTER TABLE ... DROP CONSTRAINT c, ADD CONSTRAINT c CHECK (...)`" + `.

Beyond ` + "`top_n`" + `, one finding per kind and severity counts the constraints not listed.

**Foreign keys whose referenced side lacks a usable unique index**: Postgres requires a
unique, non-partial, non-deferrable index over exactly the referenced columns when the
foreign key is created and records it (` + "`conindid`" + `); it cannot be dropped without the
foreign key. So this is rare: it shows when that index was made invalid (catalog edits,
some failed maintenance) or the catalog is otherwise inconsistent. It is checked because
it is cheap and, when it happens, enforcement is slow and the referenced key may no longer
be unique.

- **P2** each, with ` + "`REINDEX INDEX CONCURRENTLY`" + ` for an invalid index, else the statement
  that adds a unique constraint on the referenced columns.`
