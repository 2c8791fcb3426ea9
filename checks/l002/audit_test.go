package l002

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/sqlaudit"
)

// Every statement is one read-only SELECT over catalogs that calls only allowlisted
// functions, marked as L002's.
func TestQueriesPassAudit(t *testing.T) {
	for _, q := range New().Queries() {
		if !strings.HasPrefix(q.SQL, "/* pgcheckup L002 */\n") {
			t.Errorf("%s: first line is not the marker", q.Name)
		}
		if err := sqlaudit.Check(q.SQL); err != nil {
			t.Errorf("%s: %v", q.Name, err)
		}
	}
}
