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
