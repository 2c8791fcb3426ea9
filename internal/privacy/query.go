package privacy

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// Query-text policies.
const (
	QueryNormalized = "normalized"
	QueryNone       = "none"
	QueryRaw        = "raw"
)

// NormalizeQuery returns q with every literal and comment removed: pg_query's
// normalization first, then a scan that replaces whatever constant it left (it keeps,
// e.g., the value of ALTER SYSTEM SET and JSON_TABLE path strings), every value of a SET
// clause, quoted or not (ALTER DATABASE d SET app.jwt_secret TO $1), and drops comments.
// Text the parser cannot read (truncated, newer syntax) never passes: it becomes a
// marker with its length.
func NormalizeQuery(q string) string {
	if out, ok := normalize(q); ok {
		return out
	}
	return Unparseable(q)
}

func normalize(q string) (string, bool) {
	// the same parser as pg_query.Parse, without building the tree's Go structs (which
	// costs several times the parse): only whether it parses matters here
	if _, err := pg_query.ParseToJSON(q); err != nil {
		return "", false
	}
	n, err := pg_query.Normalize(q)
	if err != nil {
		return "", false
	}
	out, err := scrub(n)
	if err != nil {
		// The normalized text of a few utility statements does not parse again
		// (SET TRANSACTION ISOLATION LEVEL $1, CREATE FUNCTION ... AS $2); the
		// original does, and scrub removes its constants just as well.
		if out, err = scrub(q); err != nil {
			return "", false
		}
	}
	return out, true
}

// Unparseable is the marker that stands for a query text pgcheckup could not normalize.
// It carries no hash: an unkeyed hash of a short statement lets anyone confirm a guess.
func Unparseable(q string) string {
	return fmt.Sprintf("<query text withheld: not parseable, %d bytes>", len(q))
}

// unparseableKeyed is the marker of an anonymized report: an HMAC with the project key
// lets the key's owner tell equal texts apart, and no one else confirm a guess.
func (a *Anonymizer) unparseableKeyed(q string) string {
	return fmt.Sprintf("<query text withheld: not parseable, %d bytes, hmac %s>", len(q), a.mac(q)[:12])
}

// scrub replaces every literal left in q by a parameter and drops its comments. The
// values of SET clauses that pg_query keeps as plain words (TO sk_live_x) count as
// literals. The parameters go on from the highest pg_query wrote ($1..$n), so a reader
// sees one numbering, as pg_stat_statements writes it.
func scrub(q string) (string, error) {
	n := 0
	for _, m := range paramRE.FindAllStringSubmatch(q, -1) {
		if v, err := strconv.Atoi(m[1]); err == nil && v > n {
			n = v
		}
	}
	out, err := rewriteSQL(q, sqlEdit{comments: true, words: setValues,
		literal: func(string) (string, bool) { n++; return "$" + strconv.Itoa(n), true }})
	return strings.TrimSpace(out), err
}

var paramRE = regexp.MustCompile(`\$(\d+)`)
