package k005

import (
	"context"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/kseries/kseriestest"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

func run(t *testing.T, v any) *checks.Outcome {
	t.Helper()
	o, err := New().Run(context.Background(), &checks.Target{Workload: v})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func wal(bytes float64, records, fpi int64) workload.Counters {
	return workload.Counters{WALBytes: bytes, WALRecords: records, WALFPI: fpi, Calls: 2, ExecMS: 3}
}

func TestRanksByWAL(t *testing.T) {
	v := kseriestest.View(t, kseriestest.Options{Seconds: 10},
		kseriestest.Stmt{ID: 1, User: 10, DB: 1, Text: "UPDATE t SET v = v + 1", After: wal(3<<20, 3000, 30)},
		kseriestest.Stmt{ID: 2, User: 10, DB: 1, Text: "INSERT INTO t VALUES (1)", After: wal(1<<20, 1000, 0)},
		kseriestest.Stmt{ID: 3, User: 10, DB: 1, Text: "SELECT 1", After: workload.Counters{Calls: 9}})
	o := run(t, v)
	d := o.Data.(Data)
	if len(d.Rows) != 2 || d.Rows[0].QueryID != 1 || d.Rows[0].SharePercent != 75 || d.Rows[0].BytesPerSecond != 3<<20/10.0 ||
		d.Others == nil || d.Others.Calls != 9 || d.TotalWALRecords != 4000 || d.TotalWALFPI != 30 || d.BlockSizeAssumed {
		t.Errorf("%+v", d)
	}
	md := checktest.Template(t, "K005", d)
	for _, want := range []string{"| WAL records | Full-page images |", "| 1 | 75.0% | 3.0 MiB | 307.2 KiB/s | 1.5 MiB | 2 | 3.00 ms | 3,000 | 30 | u10 | db1 | `UPDATE t SET v = v + $1` |",
		"| | 100% | 4.0 MiB | 409.6 KiB/s | | 13 | | 4,000 | 30 |"} {
		if !strings.Contains(md, want) {
			t.Errorf("missing %q in:\n%s", want, md)
		}
	}
	if strings.Contains(md, "block_size") {
		t.Errorf("WAL is counted in bytes:\n%s", md)
	}
	checktest.TableRows(t, md, 12)
}

// An extension older than 1.8 on a 13+ server counts no WAL: skipped with the reason,
// not a table of zeros.
func TestSkipWithoutWALCounters(t *testing.T) {
	v := kseriestest.View(t, kseriestest.Options{Features: &workload.Features{}},
		kseriestest.Stmt{ID: 1, User: 10, DB: 1, Text: "UPDATE t SET v = 1", After: wal(0, 0, 0)})
	o := run(t, v)
	if o.Skip == nil || !strings.Contains(o.Skip.Reason, "does not count WAL") || !strings.Contains(o.Skip.Hint, "ALTER EXTENSION pg_stat_statements UPDATE") {
		t.Errorf("%+v", o)
	}
	if o := run(t, nil); o.Skip == nil {
		t.Errorf("no view: %+v", o)
	}
}
