package l003

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	listed := map[checks.Severity]int{}
	for _, x := range d.Columns {
		if x.State != StateRead || x.UsedPct == nil || *x.UsedPct < cfg.P2Pct {
			continue
		}
		sev := checks.P2
		if *x.UsedPct >= cfg.P1Pct {
			sev = checks.P1
		}
		col := string(x.Schema) + "." + string(x.Table) + "." + string(x.Column)
		seq := string(x.SeqSchema) + "." + string(x.Sequence)
		concl := fmt.Sprintf("Column %s (%s) is fed by sequence %s (%s), whose last value %d has used %.1f%% of the %s range.",
			checks.Code(col), x.Type, checks.Code(seq), x.SeqType, *x.LastValue, *x.UsedPct, x.Type)
		switch {
		case *x.UsedPct >= 100:
			concl += " The range is exhausted: inserts that take a new value fail."
		case x.SeqType != x.Type:
			concl += fmt.Sprintf(" The sequence is %s but the column is %s: the column overflows first, and then every insert fails.", x.SeqType, x.Type)
		default:
			concl += " When it runs out, every insert fails."
		}
		if x.Cycle {
			concl += " The sequence cycles: it will restart and inserts will fail on duplicate keys instead."
		}
		stmts := checks.Code(string(x.AlterCol))
		if x.AlterSeq != "" {
			stmts += " and " + checks.Code(string(x.AlterSeq))
		}
		rec := fmt.Sprintf("Move the column to bigint: %s. ALTER COLUMN ... TYPE rewrites the table and its indexes "+
			"under an ACCESS EXCLUSIVE lock; on a large table add a bigint column, fill it in batches and swap it in "+
			"instead. Change the columns of foreign keys that reference it the same way.", stmts)
		listed[sev]++
		out = append(out, checks.Finding{Code: "L003/integer-capacity", Severity: sev, Conclusion: concl,
			Recommendation: rec, Objects: []checks.Name{checks.Name(col), checks.Name(seq)}})
	}
	// Every sequence was read: the columns beyond the listing are counted, not guessed.
	for _, u := range []struct {
		sev  checks.Severity
		all  int
		what string
	}{
		{checks.P1, d.AtP1, fmt.Sprintf("sequence-fed smallint/integer columns have used at least %g%% of their range", cfg.P1Pct)},
		{checks.P2, d.AtP2, fmt.Sprintf("sequence-fed smallint/integer columns have used between %g%% and %g%% of their range", cfg.P2Pct, cfg.P1Pct)},
	} {
		if f := checks.Unlisted("L003/integer-capacity", u.sev, u.all-listed[u.sev], u.all, u.what,
			listedText(listed[u.sev])); f != nil {
			out = append(out, *f)
		}
	}
	if d.NotVisible > 0 {
		grants := make([]string, len(d.SchemaGrants))
		for i, g := range d.SchemaGrants {
			grants[i] = checks.Code(string(g))
		}
		out = append(out, checks.Finding{Code: "L003/last-value-not-visible", Severity: checks.P3,
			Conclusion: fmt.Sprintf("The capacity of %d of %d sequence-fed int2/int4 column(s) is unknown: role %s may not read "+
				"their sequences (no SELECT or USAGE privilege), so their last_value shows as NULL.",
				d.NotVisible, d.Total, checks.Code(string(d.User))),
			Recommendation: checks.HelpersHint(helperProblem(d)) + fmt.Sprintf(" Or let the role read the sequences, per schema: %s, or one by one with "+
				"%s (listed per column in the data). On PostgreSQL 14 and later %s also works, but it can read all table data.",
				strings.Join(grants, " "), checks.Code("GRANT SELECT ON SEQUENCE <schema>.<sequence> TO "+checks.QuoteIdent(string(d.User))+";"),
				checks.Code("GRANT pg_read_all_data TO "+checks.QuoteIdent(string(d.User))+";"))})
	}
	if len(d.Locked) > 0 {
		names := make([]string, len(d.Locked))
		objects := make([]checks.Name, len(d.Locked))
		for i, s := range d.Locked {
			names[i] = checks.Code(string(s.Schema) + "." + string(s.Name))
			objects[i] = s.Schema + "." + s.Name
		}
		out = append(out, checks.Finding{Code: "L003/locked", Severity: checks.Info, Objects: objects,
			Conclusion: fmt.Sprintf("The capacity of the columns fed by %s is unknown: another session holds or awaits an "+
				"ACCESS EXCLUSIVE lock on %s, and reading last_value would wait for it (pgcheckup never waits for locks).",
				strings.Join(names, ", "), plural(len(names), "it", "them")),
			Recommendation: "Run the check again when the lock is gone."})
	}
	if d.NotRead > 0 {
		out = append(out, checks.Finding{Code: "L003/not-read", Severity: checks.Info, Count: d.NotRead,
			Conclusion: fmt.Sprintf("The capacity of %s sequence-fed int2/int4 column(s) is unknown: their sequences are "+
				"unlogged, and an unlogged sequence cannot be read on a standby.", checks.Thousands(int64(d.NotRead))),
			Recommendation: "Run L003 on the primary."})
	}
	return out
}

func listedText(n int) string {
	if n == 0 {
		return "none"
	}
	return fmt.Sprintf("the %s fullest", checks.Thousands(int64(n)))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

const doc = `For every smallint/integer column fed by a sequence (serial, identity, or any
` + "`DEFAULT nextval(...)`" + `; found through ` + "`pg_depend`" + `), the share of the column type's range
already used, from the sequence's last_value. No table is read: the highest key is not
looked up, the sequence says how far it got.

The share is measured in the sequence's direction from where it may start (its MINVALUE,
or the type's minimum if lower): an ascending serial at 1,717,986,918 has used 80% of
integer. A sequence of a wider type than its column (the default for a bigint sequence
used by an integer column) counts against the column's type: the column overflows first.
Columns of domains over smallint/integer count too. Inherited columns (partitions,
inheritance children) share their parent's sequence and are reported once.

- **P1** from ` + "`p1_pct`" + ` (default 75%) of the range used.
- **P2** from ` + "`p2_pct`" + ` (default 50%).
- **P3** ` + "`L003/last-value-not-visible`" + `: the role may not read some sequences
  (last_value reads as NULL without SELECT or USAGE on the sequence, e.g. a role with only
  pg_monitor). The finding names the GRANT to run; the check does not guess.

A sequence that has never been called (or was reset with ` + "`setval(..., false)`" + `) has no
last_value; it is listed as unused and not judged.

Cost and locks: the columns are found with one pass each over ` + "`pg_sequence`" + `, ` + "`pg_class`" + `,
` + "`pg_depend`" + ` and ` + "`pg_attribute`" + `, matched in pgcheckup (no join whose plan depends on the
catalog statistics); names are looked up only for the columns the listing may show.
Reading a sequence's last_value locks it until the statement ends, and one statement
that reads tens of thousands of sequences can exhaust the shared lock table ("out of
shared memory"). So every sequence that feeds a smallint/integer column is read, at most
` + "`batch_size`" + ` (default 400) per statement, each statement its own transaction. Columns
are sorted by the share used; the top ` + "`top_n`" + ` (default 50) are listed and every column
past P1 or P2 is counted.`
