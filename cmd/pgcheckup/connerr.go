package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pgcheckup/pgcheckup/report"
)

// pgx's parse errors quote the connection string with passwords masked on a best-effort
// basis that fails on malformed strings (`password= S3cret port=abc`), and some quote
// values or keys taken from the string. So their text is only matched against the
// phrases below, and the user sees pgcheckup's own words for the problem: never a byte
// of the string. The words are lower case (a test relies on that).
var parseProblems = []struct {
	inner bool   // match the wrapped error rather than pgx's own message
	match string // prefix of the message
	say   string
}{
	{true, "unterminated quoted string", "unterminated quoted string"},
	{true, `missing "=" after`, `a keyword without "=" (quote a value that holds spaces)`},
	{true, "invalid keyword/value", "not a list of keyword=value (quote a value that holds spaces)"},
	{true, "forbidden NUL byte", "a nul byte"},
	{true, "missing key/value separator", `a query parameter without "="`},
	{true, "extra key/value separator", `a query parameter with a second "=" (percent-encode it as %3D)`},
	{true, "invalid percent-encoded token", "an invalid percent-escape"},
	{true, "forbidden value %00", "a percent-escape of a nul byte"},
	{true, "unexpected spaces found", "a space inside a part of the address (percent-encode it as %20)"},
	{true, "end of string reached when looking for matching", `an unclosed "[" around a host address`},
	{true, "IPv6 host address may not be empty", `an empty "[]" host address`},
	{true, "unexpected character", `an unexpected character after the host (percent-encode "@", ":" and "/" in a password)`},
	{true, "sslmode is invalid", "invalid sslmode"},
	{true, `both "sslcert" and "sslkey" are required`, "sslcert and sslkey must be given together"},
	{true, "unable to load system certificate pool", "cannot load the system's certificate authorities"},
	{true, "unable to read CA file", "cannot read sslrootcert"},
	{true, "unable to add CA", "sslrootcert holds no certificate"},
	{true, "unable to resolve sslcert", "cannot find sslcert"},
	{true, "unable to resolve sslkey", "cannot find sslkey"},
	{true, "unable to read sslkey", "cannot read sslkey"},
	{true, "failed to decode sslkey", "cannot decode sslkey"},
	{true, "unable to find sslpassword", "sslkey is encrypted and no sslpassword is given"},
	{true, "unable to decrypt key", "cannot decrypt sslkey with sslpassword"},
	{true, "unable to read cert", "cannot read sslcert"},
	{true, "unable to load cert", "cannot load sslcert"},
	{true, "failed to read service file", "cannot read the service file"},
	{true, "unable to find service", "no such service in the service file"},
	{false, "invalid port", "invalid port"},
	{false, "could not match", "the numbers of hosts and ports differ"},
	{false, "failed to configure TLS", "invalid ssl settings"},
	{false, "failed to read service", "cannot read the service"},
	{false, "invalid sslcertmode", "invalid sslcertmode"},
	{false, "invalid connect_timeout", "invalid connect_timeout"},
	{false, "unknown target_session_attrs", "invalid target_session_attrs"},
	{false, "invalid min_protocol_version", "invalid min_protocol_version"},
	{false, "invalid max_protocol_version", "invalid max_protocol_version"},
	{false, "min_protocol_version cannot be greater", "min_protocol_version is above max_protocol_version"},
	{false, "unknown channel_binding", "invalid channel_binding"},
	{false, "invalid require_auth", "invalid require_auth"},
	{false, "cannot parse statement_cache_capacity", "invalid statement_cache_capacity"},
	{false, "cannot parse description_cache_capacity", "invalid description_cache_capacity"},
	{false, "invalid default_query_exec_mode", "invalid default_query_exec_mode"},
	{false, "failed to parse as URL", "not a valid connection uri"},
	{false, "failed to parse as keyword/value", "not a valid keyword=value string"},
}

// parseProblem says what is wrong with a connection string pgx refused, in words that
// hold nothing of the string.
func parseProblem(err error) string {
	var pe *pgconn.ParseConfigError
	if !errors.As(err, &pe) {
		return "cannot be parsed"
	}
	text, inner := pe.Error(), ""
	if e := pe.Unwrap(); e != nil {
		inner = e.Error()
		text = strings.TrimSuffix(text, " ("+inner+")")
	}
	for _, p := range parseProblems {
		// pgx's message follows the quoted string: "cannot parse `...`: invalid port".
		if p.inner && strings.HasPrefix(inner, p.match) || !p.inner && strings.Contains(text, "`: "+p.match) {
			return p.say
		}
	}
	return "cannot be parsed"
}

// unreachable words the end of a run where no node answered. Each node's reason was
// logged as it failed, so it is not repeated here; a refused login adds the ways to
// give a password, as psql users know them.
func unreachable(nodes []report.Node) unreachableError {
	names := make([]string, len(nodes))
	for i, n := range nodes {
		names[i] = n.Name
	}
	msg := fmt.Sprintf("no node reachable: %s (the reason for each is logged above)", strings.Join(names, ", "))
	for _, n := range nodes {
		if strings.Contains(n.Error, "(SQLSTATE 28P01)") || strings.Contains(n.Error, "(SQLSTATE 28000)") {
			msg += "\npgcheckup: hint: the server refused the login: give the password in ~/.pgpass (mode 0600; PGPASSFILE names another file), " +
				"in PGPASSWORD, or type it at a prompt with -W; or check the role and pg_hba.conf"
			break
		}
	}
	return unreachableError{msg}
}
