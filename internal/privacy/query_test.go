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
