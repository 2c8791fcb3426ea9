package workload

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/internal/sqlaudit"
)

func TestSaveLoad(t *testing.T) {
	s := snap(0, since(entry(-9223372036854775808, 1, 1.5), -time.Hour), entry(9007199254740993, 2, 2), entry(9223372036854775807, 3, 3))
	h := entry(0, 4, 4)
	h.Hidden, h.HiddenEntries = true, 2
	s.Entries = append(s.Entries, h)
	d, r := int64(3), t0.Add(-time.Hour)
	s.Dealloc, s.StatsReset, s.SystemID = &d, &r, "7312345678901234567"
	path := filepath.Join(t.TempDir(), "workload.json")
	if err := s.Save(path); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// a queryid as a JSON number loses digits in most readers: strings, exact
	for _, want := range []string{`"queryid":"-9223372036854775808"`, `"queryid":"9007199254740993"`, `"queryid":"9223372036854775807"`} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("%s missing from %s", want, raw)
		}
	}
	if strings.Contains(string(raw), `"query"`) {
		t.Errorf("a snapshot holds a text field: %s", raw)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	// times come back in UTC; compare instants
	if !back.Taken.Equal(s.Taken) || !back.Entries[0].StatsSince.Equal(*s.Entries[0].StatsSince) {
		t.Fatal("times changed")
	}
	back.Taken, back.PostmasterStart, back.StatsReset = s.Taken, s.PostmasterStart, s.StatsReset
	back.Entries[0].StatsSince = s.Entries[0].StatsSince
	if !reflect.DeepEqual(back, s) {
		t.Fatalf("round trip:\n%+v\n%+v", back, s)
	}
	if _, err := Read(strings.NewReader(`{"format":99}`)); err == nil {
		t.Fatal("a snapshot of another format was read")
	}
}

// TestStatementsAudited runs sqlaudit over every statement. pg_stat_statements(boolean)
// is the one call it may not know yet (the view would read the query-text file).
func TestStatementsAudited(t *testing.T) {
	for _, q := range Queries() {
		if !strings.HasPrefix(q.SQL, "/* pgcheckup K001 */\n") {
			t.Errorf("%s: no marker", q.Name)
		}
		err := sqlaudit.Check(q.SQL)
		if err != nil && err.Error() != "call to pg_stat_statements (not in the allowlist)" {
			t.Errorf("%s: %v", q.Name, err)
		} else if err != nil {
			t.Logf("%s: %v", q.Name, err)
		}
	}
}
