package report_test

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/checks/all"
	"github.com/pgcheckup/pgcheckup/report"
)

// The pattern a report's IDs are checked against must accept every check there is.
func TestIDPatternMatchesEveryCheck(t *testing.T) {
	for _, c := range all.Checks() {
		if id := c.Meta().ID; !report.ValidID(id) {
			t.Errorf("check %s does not match %s: a report holding it would be refused", id, report.IDPattern)
		}
	}
}
