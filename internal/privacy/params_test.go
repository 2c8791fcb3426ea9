package privacy

import (
	"regexp"
	"strconv"
	"testing"
)

// Constants pg_query leaves are numbered after its own parameters, as $n: never $0, which
// no statement can hold and a reader takes for a fault.
func TestRemovedConstantsNumbered(t *testing.T) {
	for _, q := range []string{
		"SELECT * FROM JSON_TABLE(jsonb '{}', '$.a' COLUMNS (x int PATH '$.b')) WHERE id = 7",
		"ALTER ROLE r IN DATABASE d SET x.y = abc, def",
		"SELECT 1 FROM t WHERE a = 'x' AND b = 2",
	} {
		out := NormalizeQuery(q)
		seen := map[int]bool{}
		for _, m := range regexp.MustCompile(`\$(\d+)`).FindAllStringSubmatch(out, -1) {
			n, _ := strconv.Atoi(m[1])
			if n == 0 || seen[n] {
				t.Errorf("%q -> %q: parameter $%d", q, out, n)
			}
			seen[n] = true
		}
		t.Logf("%s -> %s", q, out)
	}
}
