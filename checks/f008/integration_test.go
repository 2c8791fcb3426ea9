package f008

import (
	"context"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE ROLE mon LOGIN; GRANT pg_monitor TO mon")

	// Harness defaults, no host facts: nothing but the note that they are missing.
	r := checktest.Run(t, cl, New(), checktest.Options{Role: "mon"})
	r.MustStatus(t, checks.StatusOK)
	var d Data
	r.Decode(t, &d)
	if len(r.Findings) != 1 || len(r.WithCode("F008/host-facts-missing")) != 1 || len(d.NeedsHostFacts) != 2 {
		t.Fatalf("defaults: %+v %+v", r.Findings, d)
	}
	if d.Workers != 3 || d.CostLimit != 200 || d.CostDelayMS != 2 || d.DirtyMiBps < 39 || d.DirtyMiBps > 39.1 ||
		d.WorkerMemBytes != 64<<20 || (d.WorkerSlots > 0) != (cl.Major >= 18) {
		t.Fatalf("defaults on %d: %+v", cl.Major, d)
	}
	if md := render(t, r); !strings.Contains(md, "Host facts not given") || !strings.Contains(md, "39.06 MiB/s dirtied") {
		t.Errorf("markdown:\n%s", md)
	}

	for _, sql := range []string{"ALTER SYSTEM SET autovacuum_max_workers = 1",
		"ALTER SYSTEM SET autovacuum_vacuum_cost_delay = '20ms'", "ALTER SYSTEM SET autovacuum_work_mem = '1GB'"} {
		cl.MustExec(t, "postgres", sql)
	}
	if err := cl.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	r = checktest.Run(t, cl, New(), checktest.Options{Role: "mon", Host: checks.HostFacts{CPUs: 16, RAMBytes: 2 << 30}})
	r.MustStatus(t, checks.StatusFindings)
	for code, sev := range map[string]checks.Severity{"F008/workers-low": checks.P2, "F008/vacuum-throttled": checks.P2,
		"F008/mem-high": checks.P2} {
		if f := r.WithCode(code); len(f) != 1 || f[0].Severity != sev {
			t.Errorf("%s: %+v", code, r.Findings)
		}
	}
	if len(r.Findings) != 3 {
		t.Errorf("findings: %+v", r.Findings)
	}
	d = Data{}
	r.Decode(t, &d)
	if d.Workers != 1 || d.SuggestedWorkers != 4 || d.TotalMemBytes != 1<<30 || d.TotalMemPctRAM != 50 {
		t.Fatalf("planted: %+v", d)
	}
	if md := render(t, r); !strings.Contains(md, "suggested for 16 CPUs: 4") || !strings.Contains(md, "Host: 16 CPUs, 2.0 GiB RAM") {
		t.Errorf("markdown:\n%s", md)
	}
}
