package all

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

// nearCopies lists the version bands of one statement that differ in a few lines only,
// with the lines that differ (removed from the older band, added in the newer). They stay
// two files because the newer band reads a column or function the older server does not
// have, and the only ways around that are string formatting or reading whole catalog rows
// as JSON, both worse. Listing them keeps the copies in step: a change to the shared part
// of one band only fails here.
var nearCopies = map[string][2][]string{
	// 14 added query_id to pg_stat_activity.
	"N001 waits.sql band 1": {
		{"0::pg_catalog.int8,", "GROUP BY 1, 2"},
		{"COALESCE(a.query_id, 0),", "GROUP BY 1, 2, 3"}},
	// 16 added confl_active_logicalslot.
	"C004 c004_conflicts.sql band 1": {
		{"c.confl_deadlock, NULL::bigint AS confl_active_logicalslot,"},
		{"c.confl_deadlock, c.confl_active_logicalslot,"}},
	// 13 added wal_status.
	"C005 c005_slots.sql band 1": {
		{"SELECT true AS here, s.slot_name::text, s.plugin::text, s.active, s.active_pid, NULL::text AS wal_status,"},
		{"SELECT true AS here, s.slot_name::text, s.plugin::text, s.active, s.active_pid, s.wal_status,"}},
	// 14 tells "pause requested" from "paused".
	"C002 c002_receiver.sql band 1": {
		{"CASE WHEN pg_catalog.pg_is_wal_replay_paused() THEN 'paused' ELSE 'not paused' END,"},
		{"pg_catalog.pg_get_wal_replay_pause_state(),"}},
	// 13 added wal_status and safe_wal_size, 17 inactive_since and invalidation_reason.
	"C007 c007_slots.sql band 1": {
		{"NULL::text AS wal_status, NULL::bigint AS safe_wal_size,"},
		{"s.wal_status, s.safe_wal_size,"}},
	"C007 c007_slots.sql band 2": {
		{"NULL::float8 AS inactive_for, NULL::text AS invalidation_reason"},
		{"EXTRACT(epoch FROM pg_catalog.now() - s.inactive_since)::float8 AS inactive_for, s.invalidation_reason"}},
	// 15 added NULLS NOT DISTINCT (pg_index.indnullsnotdistinct).
	"H001 h001.sql band 1": {
		nil,
		{"AND v.indnullsnotdistinct = i.indnullsnotdistinct"}},
	// 18 added NOT ENFORCED constraints (pg_constraint.conenforced).
	"L005 l005_not_valid.sql band 1": {
		{"SELECT c.oid, c.conrelid, n.nspname, COALESCE(r.relname, ty.typname) AS object, false AS not_enforced"},
		{"SELECT c.oid, c.conrelid, n.nspname, COALESCE(r.relname, ty.typname) AS object, NOT c.conenforced AS not_enforced",
			"-- includes NOT ENFORCED (18): never validated, and VALIDATE refuses them"}},
	// 18 added temporal keys (pg_constraint.conperiod) and NOT ENFORCED (conenforced).
	"H003 h003.sql band 1": {
		{"-- the PERIOD column of a temporal key: they arrive in 18, none here",
			"ON false AND pa.attrelid = c.conrelid AND pa.attnum = c.conkey[pg_catalog.cardinality(c.conkey)]"},
		{"-- the PERIOD column of a temporal key is its last one",
			"ON c.conperiod AND pa.attrelid = c.conrelid AND pa.attnum = c.conkey[pg_catalog.cardinality(c.conkey)]"}},
	"H003 h003_keys.sql band 1": {
		{"false AS period,   -- temporal keys arrive in 18", "true AS enforced   -- so does NOT ENFORCED"},
		{"c.conperiod AS period,", "c.conenforced AS enforced  -- NOT ENFORCED: no triggers, nothing looks the rows up"}},
	"H004 h004.sql band 1": {
		{"i.indisunique AS uniq, i.indimmediate AS immediate, false AS nnd,"},
		{"i.indisunique AS uniq, i.indimmediate AS immediate, i.indnullsnotdistinct AS nnd,"}},
}

// nearCopyLines is how many differing lines make two bands of a statement near-copies.
const nearCopyLines = 4

// TestVersionBandsStayInStep compares each version band of a statement with the next
// older one. Bands that differ in nearCopyLines lines or fewer must be listed in nearCopies,
// and listed bands must differ in exactly the listed lines; bands that differ more and are
// not listed are separate statements.
func TestVersionBandsStayInStep(t *testing.T) {
	for _, c := range Checks() {
		id := c.Meta().ID
		bands := map[string][]string{} // name -> SQL of each band, oldest first
		qs := slices.Clone(c.Queries())
		slices.SortStableFunc(qs, func(a, b checks.Query) int { return a.MinVersion - b.MinVersion })
		for _, q := range qs {
			bands[q.Name] = append(bands[q.Name], q.SQL)
		}
		for name, sqls := range bands {
			for i := 1; i < len(sqls); i++ {
				removed, added := lineDiff(sqls[i-1], sqls[i])
				key := fmt.Sprintf("%s %s band %d", id, name, i)
				want, ok := nearCopies[key]
				if !ok && len(removed)+len(added) > nearCopyLines {
					continue // separate statements
				}
				if !ok {
					t.Errorf("%s: a near-copy of the band before it; unify them or list it in nearCopies:\n%s", key, showDiff(removed, added))
					continue
				}
				if !slices.Equal(want[0], removed) || !slices.Equal(want[1], added) {
					t.Errorf("%s: the bands no longer differ only where listed (a change to one band only?):\n%s", key, showDiff(removed, added))
				}
			}
		}
	}
}

// lineDiff returns the lines of a not in b and of b not in a, by a longest common
// subsequence of trimmed lines.
func lineDiff(a, b string) (removed, added []string) {
	x, y := trimmedLines(a), trimmedLines(b)
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(x) && j < len(y) {
		switch {
		case x[i] == y[j]:
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			removed, i = append(removed, x[i]), i+1
		default:
			added, j = append(added, y[j]), j+1
		}
	}
	return append(removed, x[i:]...), append(added, y[j:]...)
}

func trimmedLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func showDiff(removed, added []string) string {
	var b strings.Builder
	for _, l := range removed {
		fmt.Fprintf(&b, "\t- %q\n", l)
	}
	for _, l := range added {
		fmt.Fprintf(&b, "\t+ %q\n", l)
	}
	return b.String()
}
