package pgsettings

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func TestLevelStatement(t *testing.T) {
	row := func(source, file, context string) Row {
		var r Row
		r.Name, r.Source, r.SourceFile, r.Context = "work_mem", checks.Text(source), checks.Text(file), checks.Text(context)
		fromSession(&r, "App DB", "alice")
		return r
	}
	for _, tc := range []struct {
		r         Row
		level, do string
	}{
		{row("database", "", "user"), "database `App DB`", "`ALTER DATABASE \"App DB\" SET work_mem = '8MB';`"},
		{row("user", "", "user"), "role `alice`", "`ALTER ROLE alice SET work_mem = '8MB';`"},
		{row("database user", "", "user"), "role `alice` in database `App DB`", "`ALTER ROLE alice IN DATABASE \"App DB\" SET work_mem = '8MB';`"},
		{row("configuration file", "/d/postgresql.auto.conf", "user"), "`ALTER SYSTEM`", "`ALTER SYSTEM SET work_mem = '8MB'; SELECT pg_catalog.pg_reload_conf();`"},
		{row("configuration file", "/d/postgresql.conf", "postmaster"), "`/d/postgresql.conf`", "`ALTER SYSTEM SET work_mem = '8MB';` and a restart"},
		{row("command line", "", "user"), "command line", "does not override"},
		{row("default", "", "user"), "built-in default", "`ALTER SYSTEM SET work_mem"},
	} {
		if got := tc.r.Fix("'8MB'"); !strings.Contains(got, tc.level) || !strings.Contains(got, tc.do) {
			t.Errorf("%s: %s", tc.r.Source, got)
		}
	}
	if r := row("configuration file", "", "user"); r.Database != "" || r.User != "" {
		t.Errorf("file-level value keeps the session's names: %+v", r)
	}
}
