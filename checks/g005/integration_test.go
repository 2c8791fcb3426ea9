package g005

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE ROLE mon LOGIN; GRANT pg_monitor TO mon")
	r := checktest.Run(t, cl, New(), checktest.Options{Role: "mon"})
	r.MustStatus(t, checks.StatusOK)
	var d Data
	r.Decode(t, &d)
	has := map[string]bool{}
	for _, s := range d.Settings {
		has[string(s.Name)] = true
	}
	if !has["bgwriter_delay"] || has["maintenance_io_concurrency"] != (cl.Major >= 13) || has["io_method"] != (cl.Major >= 18) {
		t.Fatalf("settings on %d: %v", cl.Major, has)
	}
	if md := render(t, r); !strings.Contains(md, "| `bgwriter_delay` | 200 ms | 200 ms |") {
		t.Errorf("markdown:\n%s", md)
	}

	planted := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"bgwriter_lru_maxpages": "0",
		"effective_io_concurrency": "0", "random_page_cost": "1.1"}})
	r = checktest.Run(t, planted, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusFindings)
	if f := r.WithCode("G005/bgwriter-disabled"); len(f) != 1 || f[0].Severity != checks.P3 {
		t.Fatalf("findings %+v", r.Findings)
	}
	if f := r.WithCode("G005/prefetch-disabled"); len(f) != 1 || len(f[0].Objects) != 1 || len(r.Findings) != 2 {
		t.Fatalf("findings %+v", r.Findings)
	}
}
