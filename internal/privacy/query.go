package privacy

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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
// clause, quoted or not (ALTER DATABASE d SET app.jwt_secret TO $0), and drops comments.
// Text the parser cannot read (truncated, newer syntax) never passes: it becomes a
// marker with its length and a hash.
func NormalizeQuery(q string) string {
	if _, err := pg_query.Parse(q); err != nil {
		return Unparseable(q)
	}
	n, err := pg_query.Normalize(q)
	if err != nil {
		return Unparseable(q)
	}
	out, err := scrub(n)
	if err != nil {
		// The normalized text of a few utility statements does not parse again
		// (SET TRANSACTION ISOLATION LEVEL $1, CREATE FUNCTION ... AS $2); the
		// original does, and scrub removes its constants just as well.
		if out, err = scrub(q); err != nil {
			return Unparseable(q)
		}
	}
	return out
}

// Unparseable is the marker that stands for a query text pgcheckup could not normalize.
func Unparseable(q string) string {
	sum := sha256.Sum256([]byte(q))
	return fmt.Sprintf("<query text withheld: not parseable, %d bytes, sha256 %s>", len(q), hex.EncodeToString(sum[:6]))
}

// scrub replaces every literal left in q by $0 and drops its comments. The values of
// SET clauses that pg_query keeps as plain words (TO sk_live_x) count as literals.
func scrub(q string) (string, error) {
	out, err := rewriteSQL(q, sqlEdit{comments: true, words: setValues,
		literal: func(string) (string, bool) { return "$0", true }})
	return strings.TrimSpace(out), err
}
