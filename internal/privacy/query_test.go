package privacy

import (
	"strings"
	"testing"
)

func TestNormalizeQuery(t *testing.T) {
	cases := []struct{ in, secret string }{
		{"SELECT * FROM t WHERE email = 'canary-mail@x'", "canary-mail"},
		{"CREATE ROLE app LOGIN PASSWORD 'canary-pw'", "canary-pw"},
		{"ALTER ROLE app PASSWORD 'canary-pw2'", "canary-pw2"},
		{"ALTER SYSTEM SET primary_conninfo = 'host=x password=canary-sys'", "canary-sys"},
		{"/* user=canary-comment */ SELECT 1", "canary-comment"},
		{"SELECT 1 -- canary-line\n", "canary-line"},
		{"SELECT * FROM JSON_TABLE('{\"a\":1}'::jsonb, '$.canary_path' COLUMNS (a int PATH '$.a')) jt", "canary_path"},
		{"SELECT 424242 + 1.5e3", "424242"},
		{"DO $$BEGIN PERFORM 'canary-do'; END$$", "canary-do"},
		{"SELECT * FROM t WHERE x = 'canary-truncat", "canary-truncat"}, // truncated text
		{"INSERT INTO t (a) VALUES (E'canary\\x41')", "canary"},
	}
	for _, c := range cases {
		got := NormalizeQuery(c.in)
		if strings.Contains(got, c.secret) {
			t.Errorf("NormalizeQuery(%q) = %q leaks %q", c.in, got, c.secret)
		}
	}
	if got := NormalizeQuery("SELECT a FROM t WHERE id = 5"); got != "SELECT a FROM t WHERE id = $1" {
		t.Errorf("shape lost: %q", got)
	}
	if got := NormalizeQuery("SELECT 'x"); !strings.HasPrefix(got, "<query text withheld") {
		t.Errorf("unparseable passed: %q", got)
	}
}

// TestNormalizeQuerySetValues: pg_query's normalization keeps the values of SET clauses
// nested in ALTER statements when they are not quoted; a secret set that way must not pass,
// and the statement keeps its shape.
func TestNormalizeQuerySetValues(t *testing.T) {
	cases := map[string]string{
		"ALTER DATABASE d SET app.jwt_secret TO sk_live_x":                             "ALTER DATABASE d SET app.jwt_secret TO $1",
		"ALTER DATABASE d SET app.jwt_secret = 'sk_live_q'":                            "ALTER DATABASE d SET app.jwt_secret = $1",
		"ALTER ROLE r SET x.y TO abc":                                                  "ALTER ROLE r SET x.y TO $1",
		"ALTER ROLE r IN DATABASE d SET x.y = abc, def":                                "ALTER ROLE r IN DATABASE d SET x.y = $1, $2",
		"ALTER ROLE ALL SET myapp.apikey TO k_live":                                    "ALTER ROLE ALL SET myapp.apikey TO $1",
		"ALTER ROLE r SET x.y TO -5, +1.5":                                             "ALTER ROLE r SET x.y TO $1, $2",
		"ALTER SYSTEM SET app.key = abc":                                               "ALTER SYSTEM SET app.key = $1",
		"ALTER FUNCTION f() SET app.key = abc":                                         "ALTER FUNCTION f() SET app.key = $1",
		"ALTER PROCEDURE p(int) SET app.key TO on":                                     "ALTER PROCEDURE p(int) SET app.key TO $1",
		"CREATE FUNCTION f() RETURNS int LANGUAGE sql SET app.key = abc AS 'select 1'": "CREATE FUNCTION f() RETURNS int LANGUAGE sql SET app.key = $1 AS $2",
		"SET app.token = abc":                                                          "SET app.token = $1",
		"SET LOCAL app.token TO abc":                                                   "SET LOCAL app.token TO $1",
		"SET SESSION search_path TO a, b":                                              "SET SESSION search_path TO $1, $2",
		// Other statements keep their shape.
		"UPDATE t SET a = b WHERE c = 1":                    "UPDATE t SET a = b WHERE c = $1",
		"ALTER DATABASE d SET app.key TO DEFAULT":           "ALTER DATABASE d SET app.key TO DEFAULT",
		"ALTER ROLE r RESET app.key":                        "ALTER ROLE r RESET app.key",
		"ALTER FUNCTION f() SET app.key FROM CURRENT":       "ALTER FUNCTION f() SET app.key FROM CURRENT",
		"ALTER TABLE t ALTER COLUMN c SET DATA TYPE bigint": "ALTER TABLE t ALTER COLUMN c SET DATA TYPE bigint",
		"SET TRANSACTION ISOLATION LEVEL SERIALIZABLE":      "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
	}
	for in, want := range cases {
		if got := NormalizeQuery(in); got != want {
			t.Errorf("NormalizeQuery(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

// TestSanitizerQueryTwice: a text normalized once comes from the run's cache the second
// time, the same; an unparseable one stays withheld.
func TestSanitizerQueryTwice(t *testing.T) {
	s, err := New(Policy{})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if got := s.query("SELECT * FROM t WHERE a = 'secret' /* c */"); strings.Contains(got, "secret") || !strings.Contains(got, "$1") {
			t.Errorf("normalized: %q", got)
		}
		if got := s.query("SELEC 'secret'"); got != Unparseable("SELEC 'secret'") {
			t.Errorf("unparseable: %q", got)
		}
	}
}
