package a003_test

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/a003"
)

// TestTemplate renders hostile names and values: they must not break the tables.
func TestTemplate(t *testing.T) {
	mib := int64(128 << 20)
	row := func(name, value, unit string, pending bool) a003.Row {
		return a003.Row{Setting: checks.Setting{Name: checks.Name(name), Value: checks.Text(value)}, Unit: checks.Text(unit),
			Category: "Resource Usage / Memory", Source: "configuration file", SourceFile: "/data/postgresql.conf",
			SourceLine: 7, PendingRestart: pending, Context: "postmaster"}
	}
	evil := row("x|`y", "<script>alert(1)</script>", "", true)
	evil.Category = "Cat|*egory*"
	sb := row("shared_buffers", "16384", "8kB", false)
	sb.Bytes = &mib
	salt := row("anon.salt", "(hidden: custom setting)", "", false)
	salt.Hidden = true // as the privacy layer leaves a custom setting
	d := a003.Data{Settings: []a003.Row{evil, sb, row("empty", "", "", false), salt}, PendingRestart: 1, SourcesHidden: true}
	out := render(t, d)
	for _, want := range []string{"**1 changed in the configuration", "`16384` 8kB (128.0 MiB)", "*empty*",
		`**Cat\|\*egory\***`, "**Resource Usage / Memory**", "`` x\\|`y `` **pending restart**", "`<script>alert(1)</script>`",
		"configuration file: `/data/postgresql.conf`:7", "hidden from this role",
		"| `anon.salt` | *(hidden: custom setting)* |"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	tableRows(t, out, 4)
	if out := render(t, a003.Data{Settings: []a003.Row{sb}}); strings.Contains(out, "restart") || strings.Contains(out, "hidden") {
		t.Errorf("nothing pending, nothing hidden:\n%s", out)
	}
}

func render(t *testing.T, data any) string { return checktest.Template(t, "A003", data) }

func tableRows(t *testing.T, out string, cells ...int) { checktest.TableRows(t, out, cells...) }
