package report

import (
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
)

// md/<ID>.md read on its own names its project, nodes, databases and time.
func TestCheckFileHasHeader(t *testing.T) {
	r := &Report{Project: "shop-prod", StartedAt: time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC),
		Tool:  Tool{Name: "pgcheckup", Version: "1.2.3"},
		Nodes: []Node{{Name: "primary", Role: "primary", Version: "17.2", Database: "postgres"}, {Name: "replica", Role: "standby", Version: "17.2"}},
		Checks: []Check{{ID: "H002", Title: "Unused indexes", Results: []Result{
			{Node: "primary", Database: "app", Status: checks.StatusOK}, {Node: "replica", Database: "billing", Status: checks.StatusOK}}}}}
	rd, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	b, err := rd.CheckMarkdown(r, &r.Checks[0])
	if err != nil {
		t.Fatal(err)
	}
	md := string(b)
	head, _, _ := strings.Cut(md, "| Node")
	for _, want := range []string{"# H002 Unused indexes", "`shop-prod`", "primary (primary, 17.2)", "replica (standby, 17.2)",
		"`app`", "`billing`", "2026-12-01 09:30:00 UTC", "pgcheckup 1.2.3"} {
		if !strings.Contains(head, want) {
			t.Errorf("header lacks %q:\n%s", want, head)
		}
	}
}
