package a007

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/privacy"
)

// TestCustomSettingsHidden: custom settings set per database (PostgREST's
// app.jwt_secret), per role, per role in a database and in postgresql.conf may be
// secrets. pg_db_role_setting is readable by every role, so even a role with no
// privileges would print them: A007 shows their names and that a value is set, never the
// value. A built-in setting set for a role keeps its value.
func TestCustomSettingsHidden(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"app.file_key": "CANARYSET_file"}})
	cl.MustExec(t, "postgres", `CREATE ROLE nobody LOGIN; CREATE ROLE api LOGIN;
		ALTER DATABASE postgres SET app.jwt_secret = 'CANARYSET_db';
		ALTER ROLE api SET myapp.apikey = 'CANARYSET_role';
		ALTER ROLE api IN DATABASE postgres SET myapp.token TO CANARYSET_roledb;
		ALTER ROLE nobody SET app.own = 'CANARYSET_own';
		ALTER ROLE api SET work_mem = '77MB'`)
	s, err := privacy.New(privacy.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	r := checktest.Run(t, cl, New(), checktest.Options{Role: "nobody", Sanitize: s.Outcome})
	r.MustStatus(t, checks.StatusOK)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ToUpper(string(b)), "CANARYSET") { // unquoted values are folded to lower case
		t.Errorf("a custom setting's value is shown:\n%s", b)
	}
	var d Data
	r.Decode(t, &d)
	hidden := map[string]bool{}
	for _, o := range d.Overrides {
		switch {
		case o.Name == "work_mem":
			if o.Value != "77MB" || o.Hidden {
				t.Errorf("work_mem set for a role: %+v, want its value", o)
			}
		case o.Hidden && o.Value == privacy.HiddenValue:
			hidden[string(o.Name)] = true
		default:
			t.Errorf("override %+v: want the value hidden", o)
		}
	}
	for _, n := range []string{"app.jwt_secret", "myapp.apikey", "myapp.token", "app.own"} {
		if !hidden[n] {
			t.Errorf("%s: not listed as set and hidden (%+v)", n, d.Overrides)
		}
	}
}
