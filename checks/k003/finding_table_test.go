package k003

import (
	"regexp"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"
)

// The dominant statement's finding names what the table shows (its row and queryid), and
// its times are written in the table's unit and format.
func TestFindingMatchesTable(t *testing.T) {
	v := view(delta(2, 10, 12345, 1234567), delta(1, 10, 100, 250.5))
	out := run(t, New(), v)
	if len(out.Findings) != 1 {
		t.Fatalf("findings %+v", out.Findings)
	}
	f := out.Findings[0].Conclusion
	md := checktest.Template(t, "K003", out.Data)
	row := ""
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "| 1 |") {
			row = l
		}
	}
	id := regexp.MustCompile(`queryid -?\d+`).FindString(f)
	if id == "" || !strings.Contains(row, id) || !strings.Contains(f, "#1 in the table") {
		t.Errorf("finding cites %q, not in the table's row 1:\n%s\n%s", id, f, row)
	}
	for _, fig := range []string{"1,234,567 ms", "mean 100 ms", "12,345 calls"} { // total, mean, calls
		if !strings.Contains(f, fig) {
			t.Errorf("finding lacks %q: %s", fig, f)
		}
	}
	for _, fig := range []string{"| 1,234,567 ms |", "| 12,345 |", "| 100 ms |", "| 6,173 ms |"} { // per second of 200 s
		if !strings.Contains(row, fig) {
			t.Errorf("table row lacks %q: %s", fig, row)
		}
	}
}
