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

// scrub replaces every literal and every SET value left in q by $0 and drops its comments.
func scrub(q string) (string, error) {
	q, err := scrubSetValues(q)
	if err != nil {
		return "", err
	}
	res, err := pg_query.Scan(q)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	last := 0
	for _, tok := range res.Tokens {
		start, end := int(tok.Start), int(tok.End)
		if start < last || end > len(q) {
			return "", fmt.Errorf("scanner offsets out of range")
		}
		switch tok.Token {
		case pg_query.Token_SCONST, pg_query.Token_USCONST, pg_query.Token_BCONST, pg_query.Token_XCONST,
			pg_query.Token_FCONST, pg_query.Token_ICONST:
			b.WriteString(q[last:start])
			b.WriteString("$0")
			last = end
		case pg_query.Token_SQL_COMMENT, pg_query.Token_C_COMMENT:
			b.WriteString(q[last:start])
			last = end
		}
	}
	b.WriteString(q[last:])
	return strings.TrimSpace(b.String()), nil
}
