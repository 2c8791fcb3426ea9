package a013

import (
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/releases"
	"github.com/pgcheckup/pgcheckup/report"
)

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE ROLE monitor LOGIN")
	table, err := releases.Load()
	if err != nil {
		t.Fatal(err)
	}
	// A plain role can read server_version_num: the check needs no privilege.
	r := checktest.Run(t, cl, New(), checktest.Options{Role: "monitor", Now: table.AsOf.Time})
	if r.Status == checks.StatusError || r.Status == checks.StatusSkipped {
		t.Fatalf("status %s: %s", r.Status, r.Reason)
	}
	var d Data
	r.Decode(t, &d)
	if string(d.Version) != cl.Version || d.Major != cl.Major || !d.Known {
		t.Fatalf("data %+v, server %s", d, cl.Version)
	}
	if len(d.Settings) != 2 || d.Settings[1].Name != "server_version_num" {
		t.Fatalf("settings %+v", d.Settings)
	}
	behind := len(r.WithCode("A013/minor-outdated")) + len(r.WithCode("A013/minor-update-available"))
	if (d.ReleasesBehind > 0) != (behind == 1) || len(r.Findings) != behind {
		t.Fatalf("%d releases behind, findings %+v", d.ReleasesBehind, r.Findings)
	}

	// A year after the table's date the server is either outdated or the table is old.
	later := checktest.Run(t, cl, New(), checktest.Options{Now: table.AsOf.AddDate(1, 0, 0)})
	if len(later.WithCode("A013/minor-outdated"))+len(later.WithCode("A013/release-table-old")) != 1 {
		t.Fatalf("a year later: %+v", later.Findings)
	}
	md := render(t, later)
	if !strings.Contains(md, "| "+cl.Version+" |") {
		t.Errorf("rendered data lacks the version:\n%s", md)
	}
}

func TestTemplateListsMissed(t *testing.T) {
	table, _ := releases.Load()
	d := fill(170008, table, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	rd, err := report.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	res := report.Result{Node: "node1", Status: checks.StatusFindings}
	res.Data = mustJSON(t, d)
	md, err := rd.CheckMarkdown(&report.Report{Nodes: []report.Node{{Name: "node1"}}}, &report.Check{ID: "A013", Results: []report.Result{res}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| 17.9 | 2026-02-26 |", "| 17.10 | 2026-05-14 |", "| 17.8 | 17.10 (2026-05-14) | 2 | 95 |"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("lacks %q:\n%s", want, md)
		}
	}
}

func render(t *testing.T, r checktest.Result) string { return r.Markdown(t, "A013") }
