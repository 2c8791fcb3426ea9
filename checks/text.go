package checks

// Strings that come from the database reach the report only as one of these types.
// The runner rewrites every such field before the result is stored (masking rules,
// secret redaction, query normalization, anonymization); a test over the registry fails
// when a check's data holds a plain string. That is how "one path for every database
// string" is enforced: a new check cannot add a bypass without failing that test.

// Name is an identifier from the database: a database, schema, table, index, column,
// role or application name. Anonymized reports replace it with a stable pseudonym.
type Name string

// Text is any other string from the database: a setting value, an index definition,
// a server message. Masking rules and secret redaction apply to it; names inside it are
// replaced when the report is anonymized.
type Text string

// Host is a host name or IP address from the database (a WAL receiver's sender_host, a
// client's address). Anonymized reports replace it with a stable pseudonym, the same one
// the node of that host gets; loopback addresses and socket directories stay.
type Host string

// QueryText is SQL text from the database (pg_stat_statements, pg_stat_activity). It is
// normalized (every literal and comment removed) or dropped, as the query-text policy says.
type QueryText string

// Setting is the value of a server setting together with its name, so that the values
// of secret-bearing settings (primary_conninfo, archive_command, ...) can be redacted and
// those of custom settings (app.jwt_secret), which may be secrets, hidden.
type Setting struct {
	Name  Name `json:"name"`
	Value Text `json:"value"`
	// Hidden is set by the privacy layer, never by a check: the value is withheld and
	// Value says so.
	Hidden bool `json:"hidden,omitempty"`
}

// Definition is SQL text the server generated from the catalog (pg_get_indexdef,
// pg_get_constraintdef, pg_get_expr) or a statement a check built from names. Its
// literals may be data from the tables (WHERE status = 'vip-customer-42', CHECK
// (secret <> 'x'), a default): every literal becomes a placeholder ($1, $2, ..., casts
// and storage parameters kept) unless the run opts in with --definition-literals, also
// where a finding's code span pastes the definition. Text the SQL scanner cannot read is
// withheld. Anonymized reports replace its names token by token, in the same pass.
type Definition string

// Estimate is a row count estimate (reltuples, n_live_tup, ...). Row counts can be
// sensitive; --round-counts rounds every Estimate to two significant digits.
type Estimate float64

// Label is a string the check computed itself (a verdict, a unit, a confidence level),
// never one read from the database. It is the only other string type allowed in Data.
type Label string
