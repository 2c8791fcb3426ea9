package a007

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

// The advice to remove an override is the statement that removes it, for each kind of
// override, with names quoted only where a DBA would have to.
func TestResetSQL(t *testing.T) {
	for _, c := range []struct {
		o    Override
		want string
	}{
		{Override{Database: "demo", AllRoles: true, Setting: checks.Setting{Name: "work_mem"}}, "ALTER DATABASE demo RESET work_mem;"},
		{Override{Role: "App", AllDatabases: true, Setting: checks.Setting{Name: "search_path"}}, `ALTER ROLE "App" RESET search_path;`},
		{Override{Role: "app", Database: "my db", Setting: checks.Setting{Name: "myapp.flag"}}, `ALTER ROLE app IN DATABASE "my db" RESET myapp.flag;`},
		{Override{AllRoles: true, AllDatabases: true, Setting: checks.Setting{Name: "Odd.Name"}}, `ALTER ROLE ALL RESET "Odd.Name";`},
	} {
		if got := resetSQL(c.o); got != c.want {
			t.Errorf("%+v: got %s, want %s", c.o, got, c.want)
		}
	}
	if got := resets(make([]Override, 12)); !strings.Contains(got, "and 2 more like them.") {
		t.Errorf("more than ten: %s", got)
	}
}
