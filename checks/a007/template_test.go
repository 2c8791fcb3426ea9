package a007_test

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/a007"
)

func TestTemplate(t *testing.T) {
	b, db := int64(128<<20), int64(8<<20)
	d := a007.Data{
		Settings: []a007.Altered{
			{Setting: checks.Setting{Name: "shared_buffers", Value: "16384"}, Unit: "8kB", Origin: a007.AlterSystem,
				SourceFile: "/d/postgresql.auto.conf", SourceLine: 3, PendingRestart: true, Bytes: &b, DefaultBytes: &db,
				Default: checks.Setting{Name: "shared_buffers", Value: "1024"}},
			{Setting: checks.Setting{Name: "x|`y", Value: ""}, Origin: a007.CommandLine, Default: checks.Setting{Name: "x|`y", Value: "on"}},
		},
		Overrides: []a007.Override{
			{Role: "<b>r|ole", AllDatabases: true, Setting: checks.Setting{Name: "work_mem", Value: "64MB"}},
			{Database: "shop", AllRoles: true, Setting: checks.Setting{Name: "search_path", Value: ""}},
			{Database: "shop", AllRoles: true, Setting: checks.Setting{Name: "app.jwt_secret", Value: "(hidden: custom setting)", Hidden: true}},
		},
	}
	out := render(t, d)
	for _, want := range []string{"`16384` 8kB (128.0 MiB)", "`1024` 8kB (8.0 MiB)", "| ALTER SYSTEM | `/d/postgresql.auto.conf`:3 |",
		"**pending restart**", "| *all* | `<b>r\\|ole` | `work_mem` | `64MB` |", "| `shop` | *all* | `search_path` | *empty* |",
		"`` x\\|`y `` | *empty* | `on` | command line | – |",
		"| `shop` | *all* | `app.jwt_secret` | *(hidden: custom setting)* |"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	tableRows(t, out, 5, 4)
	if out := render(t, a007.Data{Settings: []a007.Altered{}, Overrides: []a007.Override{}}); strings.Count(out, "None.") != 2 {
		t.Errorf("empty: %s", out)
	}
}

func render(t *testing.T, data any) string { return checktest.Template(t, "A007", data) }

func tableRows(t *testing.T, out string, cells ...int) { checktest.TableRows(t, out, cells...) }
