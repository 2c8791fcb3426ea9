package checks

import (
	"fmt"
	"strings"
)

// Helpers for the SQL and sizes that findings show to the reader.

// QuoteIdent quotes an identifier for a statement a finding recommends, leaving a plain
// lower-case name that is no reserved word as it is (what a DBA would type).
func QuoteIdent(s string) string {
	plain := s != "" && !(s[0] >= '0' && s[0] <= '9') && !reserved[s]
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			plain = false
		}
	}
	if plain {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// QuoteQualified quotes schema.name.
func QuoteQualified(schema, name string) string { return QuoteIdent(schema) + "." + QuoteIdent(name) }

// QuoteLiteral quotes s as an SQL string literal.
func QuoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// reserved are the keywords that cannot name a table or schema unquoted (reserved and
// type/function-name keywords of PostgreSQL 12 to 18).
var reserved = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`all analyse analyze and any array as asc asymmetric authorization
		binary both case cast check collate collation column concurrently constraint create cross
		current_catalog current_date current_role current_schema current_time current_timestamp
		current_user default deferrable desc distinct do else end except false fetch for foreign
		freeze from full grant group having ilike in initially inner intersect into is isnull join
		lateral leading left like limit localtime localtimestamp natural not notnull null offset on
		only or order outer overlaps placing primary references returning right select session_user
		similar some symmetric system_user table tablesample then to trailing true union unique user
		using variadic verbose when where window with`) {
		m[w] = true
	}
	return m
}()

// Bytes formats a byte count with binary units: "512 B", "1.5 MiB".
func Bytes(b int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
	f, i := float64(b), 0
	for (f >= 1024 || f <= -1024) && i < len(units)-1 {
		f /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d B", b)
	}
	return fmt.Sprintf("%.1f %s", f, units[i])
}
