package l001

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/sqlaudit"
)

func i64(v int64) *int64 { return &v }

func est(v float64) *checks.Estimate { e := checks.Estimate(v); return &e }

func measured(name string, total int64, rows *checks.Estimate) Table {
	return Table{Schema: "public", Name: checks.Name(name), Kind: "table", TotalBytes: i64(total), HeapBytes: i64(total / 2),
		IndexBytes: i64(total / 4), ToastBytes: i64(total / 4), EstimatedBytes: total, Rows: rows}
}

func TestAnalyze(t *testing.T) {
	locked := Table{Schema: "public", Name: "busy", Kind: "table", EstimatedBytes: 1 << 30, Locked: true, Rows: est(10)}
	part := measured("events", 1<<30, est(5e6))
	part.Kind, part.Partitions, part.UnestimatedPartitions = "partitioned table", 12, 2
	cases := []struct {
		name string
		d    Data
		want map[string][]string // code -> substrings of conclusion and recommendation
	}{
		{"empty database", Data{}, map[string][]string{}},
		{"largest", Data{Tables: []Table{measured("big", 3<<30, est(1234567)), measured("small", 1<<20, est(3))}},
			map[string][]string{"L001/largest-table": {"`public.big`", "3.0 GiB in total", "heap 1.5 GiB", "about 1234567 rows"}}},
		{"rows unknown", Data{Tables: []Table{measured("fresh", 1<<20, nil)}},
			map[string][]string{"L001/largest-table": {"rows unknown"}}},
		{"partitioned", Data{Tables: []Table{part}},
			map[string][]string{"L001/largest-table": {"largest partitioned table", "over 12 partitions", "(2 without)"}}},
		{"locked first", Data{Tables: []Table{locked, measured("big", 1<<20, est(1))}},
			map[string][]string{"L001/largest-table": {"by the catalog's estimate"}, "L001/not-measured": {"`public.busy`", "ACCESS EXCLUSIVE"}}},
		{"unestimated left out", Data{Tables: []Table{measured("big", 1<<20, est(1))}, Unestimated: 250, UnestimatedUnmeasured: 50},
			map[string][]string{"L001/largest-table": nil, "L001/unestimated-tables": {"250 tables", "50 of them"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := analyze(tc.d)
			if len(fs) != len(tc.want) {
				t.Fatalf("got %+v, want %v", fs, tc.want)
			}
			for _, f := range fs {
				subs, ok := tc.want[f.Code]
				if !ok || f.Severity != checks.Info {
					t.Fatalf("unexpected %s %s", f.Code, f.Severity)
				}
				for _, s := range subs {
					if !strings.Contains(f.Conclusion+f.Recommendation, s) {
						t.Errorf("%s: missing %q in %s", f.Code, s, f.Conclusion)
					}
				}
			}
		})
	}
}

func TestQueriesPassAudit(t *testing.T) {
	for _, q := range New().Queries() {
		if !strings.HasPrefix(q.SQL, "/* pgcheckup L001 */\n") {
			t.Errorf("%s: no marker", q.Name)
		}
		if err := sqlaudit.Check(q.SQL); err != nil {
			t.Errorf("%s: %v", q.Name, err)
		}
	}
}
