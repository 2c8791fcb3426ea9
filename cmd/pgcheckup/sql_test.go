package main

import (
	"strings"
	"testing"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/pgcheckup/pgcheckup/internal/sqlaudit"
)

// TestSQLOutputIsReadOnly parses everything `pgcheckup sql` prints, the list a security
// reviewer reads, and requires each statement to be one read-only SELECT.
func TestSQLOutputIsReadOnly(t *testing.T) {
	code, out, stderr := runCLI(t, "sql")
	if code != 0 {
		t.Fatalf("sql exited %d: %s", code, stderr)
	}
	stmts, err := pg_query.SplitWithParser(out, true)
	if err != nil {
		t.Fatalf("split: %v", err)
	}
	n := 0
	for _, s := range stmts {
		if strings.TrimSpace(stripLineComments(s)) == "" {
			continue
		}
		n++
		if err := sqlaudit.Check(s); err != nil {
			t.Errorf("%v\n%s", err, s)
		}
	}
	if n < 3 {
		t.Fatalf("only %d statements printed", n)
	}
}

func stripLineComments(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "--") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
