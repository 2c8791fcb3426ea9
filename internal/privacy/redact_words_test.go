package privacy

import "testing"

// TestRedactKeepsOrdinaryWords: messages of the server and of pgx name passwords and
// authentication without holding one; redaction must leave their words alone.
func TestRedactKeepsOrdinaryWords(t *testing.T) {
	for _, s := range []string{
		"FATAL", "ERROR", "PANIC", "WARNING",
		`password authentication failed for user "x"`,
		`failed SASL auth: FATAL: password authentication failed for user "x" (SQLSTATE 28P01)`,
		"failed to connect to `user=x database=y`: 127.0.0.1:5432 (127.0.0.1): server error: FATAL: password authentication failed for user \"x\" (SQLSTATE 28P01)",
		`no pg_hba.conf entry for host "10.0.0.1", user "x", database "y", no encryption`,
		"could not read token: permission denied",
		"uses md5 auth: consider scram-sha-256",
		"the secret key: rotate it yearly",
	} {
		if got := RedactSecrets(s); got != s {
			t.Errorf("RedactSecrets(%q)\n got %q", s, got)
		}
	}
}

// TestRedactKeysStillMasked: keys that start a line, an object or a quoted header, or
// that follow punctuation, keep their values hidden.
func TestRedactKeysStillMasked(t *testing.T) {
	for in, want := range map[string]string{
		"password: hunter2":                       "password: *****",
		"  api_key: k-123":                        "  api_key: *****",
		"- token: abc":                            "- token: *****",
		`{"a": 1, "secret": "x"}`:                 `{"a": 1, "secret": *****}`,
		`curl -H 'X-Auth-Token: abc' https://x`:   `curl -H 'X-Auth-Token: *****' https://x`,
		"connection failed, password: hunter2":    "connection failed, password: *****",
		"the conninfo has password=hunter2 in it": "the conninfo has password=***** in it",
		"auth: FATAL":                             "auth: *****",
		"the password: hunter2":                   "the password: *****",
		"sent the api_key: k-123":                 "sent the api_key: *****",
	} {
		if got := RedactSecrets(in); got != want {
			t.Errorf("RedactSecrets(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}
