package k007

import (
	"context"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/kseries/kseriestest"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

func TestRanksByHit(t *testing.T) {
	v := kseriestest.View(t, kseriestest.Options{Seconds: 10},
		kseriestest.Stmt{ID: 1, User: 10, DB: 1, Text: "SELECT * FROM t", After: workload.Counters{SharedHit: 100, SharedRead: 900, Calls: 1}},
		kseriestest.Stmt{ID: 2, User: 10, DB: 1, Text: "SELECT * FROM u", After: workload.Counters{SharedHit: 300, Calls: 1}})
	o, err := New().Run(context.Background(), &checks.Target{Workload: v})
	if err != nil {
		t.Fatal(err)
	}
	d := o.Data.(Data)
	if len(d.Rows) != 2 || d.Rows[0].QueryID != 2 || d.Rows[0].SharePercent != 75 || d.Others != nil || len(o.Findings) != 0 {
		t.Errorf("%+v %+v", d, o.Findings)
	}
	md := checktest.Template(t, "K007", d)
	if !strings.Contains(md, "| 2 | 25.0% | 800.0 KiB (100 blocks) | 80.0 KiB/s | 800.0 KiB | 1 | 0 ms | 10.0% |") {
		t.Errorf("markdown:\n%s", md)
	}
	checktest.TableRows(t, md, 11)
	if o, _ := New().Run(context.Background(), &checks.Target{}); o.Skip == nil {
		t.Error("no skip without a view")
	}
}
