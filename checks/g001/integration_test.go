package g001

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
	if len(r.Findings) != 1 || len(r.WithCode("G001/host-facts-missing")) != 1 {
		t.Fatalf("defaults: %+v", r.Findings)
	}
	var d Data
	r.Decode(t, &d)
	hmm := map[bool]float64{true: 2, false: 1}[cl.Major >= 15]
	if d.SharedBuffersBytes != 128<<20 || d.WorkMemBytes != 4<<20 || d.MaxConnections != 100 || d.HashMemMultiplier != hmm ||
		(d.SharedBytes > d.SharedBuffersBytes) != (cl.Major >= 15) || d.WorstCasePctRAM != nil {
		t.Fatalf("defaults on %d: %+v", cl.Major, d)
	}
	if md := render(t, r); !strings.Contains(md, "**Worst case**") || !strings.Contains(md, "Host facts not given") {
		t.Errorf("markdown:\n%s", md)
	}

	// A value set for the database (or the role in it) wins over ALTER SYSTEM: the advice
	// must change it where it was set.
	cl.MustExec(t, "postgres", "ALTER DATABASE postgres SET work_mem = '256MB'; ALTER ROLE mon IN DATABASE postgres SET effective_cache_size = '64GB'")
	levels := checktest.Run(t, cl, New(), checktest.Options{Role: "mon", Host: checks.HostFacts{RAMBytes: 4 << 30}})
	wc, ecs := levels.WithCode("G001/worst-case-above-ram"), levels.WithCode("G001/effective-cache-size")
	if len(wc) != 1 || !strings.Contains(wc[0].Recommendation, "set for database `postgres`") ||
		!strings.Contains(wc[0].Recommendation, "ALTER DATABASE postgres SET work_mem = '") ||
		strings.Contains(wc[0].Recommendation, "ALTER SYSTEM SET work_mem") {
		t.Errorf("work_mem set for the database: %+v", wc)
	}
	if len(ecs) != 1 || !strings.Contains(ecs[0].Recommendation, "ALTER ROLE mon IN DATABASE postgres SET effective_cache_size = '3072MB'") {
		t.Errorf("effective_cache_size set for the role in the database: %+v", ecs)
	}
	if len(ecs) == 1 && strings.Contains(ecs[0].Recommendation, "ALTER SYSTEM") {
		t.Errorf("ALTER SYSTEM would not take effect: %s", ecs[0].Recommendation)
	}
	cl.MustExec(t, "postgres", "ALTER DATABASE postgres RESET work_mem; ALTER ROLE mon IN DATABASE postgres RESET effective_cache_size")

	big := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"work_mem": "'256MB'", "max_connections": "50"}})
	r = checktest.Run(t, big, New(), checktest.Options{Host: checks.HostFacts{RAMBytes: 4 << 30}})
	r.MustStatus(t, checks.StatusFindings)
	f := r.WithCode("G001/worst-case-above-ram")
	if len(f) != 1 || f[0].Severity != checks.P1 || !strings.Contains(f[0].Conclusion, "`max_connections` 50") {
		t.Fatalf("findings %+v", r.Findings)
	}
	d = Data{}
	r.Decode(t, &d)
	want := d.SharedBytes + 50*int64(float64(256<<20)*(1+hmm)) + 4*(64<<20)
	if d.WorstCaseBytes != want || d.WorstCasePctRAM == nil || *d.WorstCasePctRAM < 100 {
		t.Fatalf("worst case %d, want %d: %+v", d.WorstCaseBytes, want, d)
	}
	if md := render(t, r); !strings.Contains(md, "of RAM)") || strings.Contains(md, "Host facts not given") {
		t.Errorf("markdown:\n%s", md)
	}
}
