package all

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/sqlaudit"
	"github.com/pgcheckup/pgcheckup/report"
)

func TestRegistry(t *testing.T) {
	rd, err := report.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	seen := map[string]bool{}
	for _, c := range Checks() {
		m := c.Meta()
		if !regexp.MustCompile(`^[A-Z][0-9]{3}$`).MatchString(m.ID) {
			t.Errorf("bad ID %q", m.ID)
		}
		if seen[m.ID] {
			t.Errorf("duplicate ID %s", m.ID)
		}
		seen[m.ID] = true
		ids = append(ids, m.ID)
		if m.Title == "" || len(strings.TrimSpace(m.Doc)) < 100 {
			t.Errorf("%s: title or documentation missing", m.ID)
		}
		if m.Scope != checks.Cluster && m.Scope != checks.Database {
			t.Errorf("%s: scope %q", m.ID, m.Scope)
		}
		if !rd.HasTemplate(m.ID) {
			t.Errorf("%s: no templates/%s.md.tmpl", m.ID, m.ID)
		}
		// a workload check reads the pipeline's snapshots (internal/workload), no SQL of its own
		if len(c.Queries()) == 0 && !m.Workload {
			t.Errorf("%s: declares no SQL", m.ID)
		}
	}
	if !sort.StringsAreSorted(ids) {
		t.Errorf("checks are not sorted by ID: %v", ids)
	}
}

// TestEveryStatementIsReadOnlySelect parses every statement any check may send.
func TestEveryStatementIsReadOnlySelect(t *testing.T) {
	for _, c := range Checks() {
		id := c.Meta().ID
		for _, q := range c.Queries() {
			if !strings.HasPrefix(q.SQL, "/* pgcheckup "+id+" */") {
				t.Errorf("%s %s: does not start with the marker /* pgcheckup %s */", id, q.Name, id)
			}
			if err := sqlaudit.Check(q.SQL); err != nil {
				t.Errorf("%s %s: %v", id, q.Name, err)
			}
		}
	}
}
