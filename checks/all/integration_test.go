package all

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"text/template"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/demodb"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/privacy"
	"github.com/pgcheckup/pgcheckup/report"
	"github.com/pgcheckup/pgcheckup/templates"
)

// planted lists, per check, the finding codes the demo database must produce on every
// major (testdata/demo). A check missing here plants nothing in the demo.
var planted = map[string][]string{
	"A007": {"A007/role-database-settings"},
	"C007": {"C007/inactive-slot"},
	"F001": {"F001/table-autovacuum-disabled"},
	"F004": {"F004/table-bloat"},
	"F005": {"F005/index-bloat"},
	"H001": {"H001/invalid-index"},
	"H002": {"H002/unused-index"},
	"H003": {"H003/fk-without-index"},
	"H004": {"H004/redundant-index"},
	"L002": {"L002/money", "L002/timestamp-without-time-zone"},
	"L003": {"L003/integer-capacity"},
	"L004": {"L004/no-key"},
	"L005": {"L005/not-valid"},
}

// TestEveryCheckOnRealServer runs every check on the major under test
// (PGCHECKUP_PG_MAJOR) against the demo database: none may end in error, version gates
// must skip exactly where they must, the planted problems must be found, every check
// must render, every field a template references must exist in the check's data, and no
// check's data may hold a plain string (the privacy path).
func TestEveryCheckOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"max_prepared_transactions": "5"}})
	if err := demodb.Load(t.Context(), cl, filepath.Join("..", "..", "testdata", "demo")); err != nil {
		t.Fatal(err)
	}
	san, err := privacy.New(privacy.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	rd, err := report.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := template.New("").Funcs(report.Funcs).ParseFS(templates.FS, "*.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range Checks() {
		m := c.Meta()
		t.Run(m.ID, func(t *testing.T) {
			var dataType reflect.Type
			capture := func(o *checks.Outcome) error {
				// (a reason or hint passes the sanitizer as a *checks.Text of its own)
				if _, reason := o.Data.(*checks.Text); o.Data != nil && !reason {
					dataType = reflect.TypeOf(o.Data)
				}
				return san.Outcome(o)
			}
			r := checktest.Run(t, cl, c, checktest.Options{DB: "demo", Sanitize: capture,
				Host: checks.HostFacts{RAMBytes: 16 << 30, CPUs: 4}})
			// The privacy path holds only if no database string can travel as a plain
			// string: the data type is taken from a real run, so a check cannot hide it.
			if dataType != nil {
				for _, p := range plainStrings(dataType, m.ID, map[reflect.Type]bool{}) {
					t.Errorf("%s: use checks.Name, Text, QueryText, Definition or Label", p)
				}
				// Templates read decoded JSON with missingkey=zero: a field the data
				// lacks renders as an empty cell, so each chain is checked against the type.
				for _, e := range templateFieldErrors(tmpl, m.ID+".md.tmpl", dataType) {
					t.Errorf("template: %s", e)
				}
			} else {
				t.Logf("no data on this server: template fields not checked")
			}
			if r.Status == checks.StatusError {
				t.Fatalf("error on PostgreSQL %s: %s", cl.Version, r.Reason)
			}
			gated := m.MinVersion > 0 && r.Node.VersionNum < m.MinVersion
			if gated != (r.Status == checks.StatusSkipped && strings.HasPrefix(r.Reason, "needs PostgreSQL")) {
				t.Fatalf("version gate: min %d, server %d, status %s (%s)", m.MinVersion, r.Node.VersionNum, r.Status, r.Reason)
			}
			if r.Status == checks.StatusSkipped {
				if r.Reason == "" {
					t.Fatal("skipped without a reason")
				}
				t.Logf("skipped: %s", r.Reason)
				return
			}
			for _, code := range planted[m.ID] {
				if len(r.WithCode(code)) == 0 {
					t.Errorf("planted problem %s not found; findings: %v", code, codes(r.Findings))
				}
			}
			rep := &report.Report{Checks: []report.Check{{ID: m.ID, Title: m.Title, Results: []report.Result{r.Result}, Findings: r.Findings}}}
			if _, err := rd.CheckMarkdown(rep, &rep.Checks[0]); err != nil {
				t.Errorf("render: %v", err)
			}
		})
	}
}

func codes(fs []checks.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code+"("+f.Severity.String()+")")
	}
	return out
}
