package f002

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/sqlaudit"
)

const (
	half  = Limit / 2 // the default P1 threshold
	fmax  = 200_000_000
	mxmax = 400_000_000
)

func data(dbXID, dbMXID int64, tables ...Table) Data {
	d := Data{Database: "app", Limit: Limit, FreezeMaxAge: fmax, MXIDFreezeMaxAge: mxmax, TopN: 10,
		Databases: []Database{
			{Name: "app", AllowConn: true, Current: true, XIDAge: dbXID, MXIDAge: dbMXID},
			{Name: "template0", XIDAge: 1000, MXIDAge: 0},
		}, Tables: tables}
	if d.Tables == nil {
		d.Tables = []Table{}
	}
	for i := range d.Tables {
		t := &d.Tables[i]
		if t.FreezeMaxAge == 0 {
			t.FreezeMaxAge = fmax
		}
		if t.MXIDFreezeMaxAge == 0 {
			t.MXIDFreezeMaxAge = mxmax
		}
	}
	fill(&d)
	return d
}

func tbl(name string, xid, mxid int64) Table {
	return Table{Schema: "public", Name: checks.Name(name), XIDAge: xid, MXIDAge: mxid}
}

func TestAnalyze(t *testing.T) {
	cases := []struct {
		name string
		d    Data
		want map[string]checks.Severity
	}{
		{"young", data(1000, 10, tbl("a", 1000, 10)), nil},
		{"xid at exactly half", data(half, 0, tbl("a", half, 0)),
			map[string]checks.Severity{"F002/table-freeze-overdue": checks.P2}},
		{"xid just past half", data(half+1, 0, tbl("a", half+1, 0)),
			map[string]checks.Severity{"F002/xid-wraparound": checks.P1, "F002/table-freeze-overdue": checks.P2}},
		{"mxid at exactly half", data(1000, half, tbl("a", 1000, half)),
			map[string]checks.Severity{"F002/table-mxid-freeze-overdue": checks.P2}},
		{"mxid just past half", data(1000, half+1, tbl("a", 1000, half+1)),
			map[string]checks.Severity{"F002/mxid-wraparound": checks.P1, "F002/table-mxid-freeze-overdue": checks.P2}},
		{"mxid one below its freeze max age", data(1000, mxmax-1, tbl("a", 1000, mxmax-1)), nil},
		{"mxid one past its freeze max age", data(1000, mxmax+1, tbl("a", 1000, mxmax+1)),
			map[string]checks.Severity{"F002/table-mxid-freeze-overdue": checks.P2}},
		{"xid at its freeze max age", data(fmax, 0, tbl("a", fmax, 0)), nil},
		{"xid past its freeze max age", data(fmax+1, 0, tbl("a", fmax+1, 0)),
			map[string]checks.Severity{"F002/table-freeze-overdue": checks.P2}},
		{"table parameter lowers the limit", data(1000, 0, Table{Schema: "s", Name: "t", XIDAge: 100_001, FreezeMaxAge: 100_000}),
			map[string]checks.Severity{"F002/table-freeze-overdue": checks.P2}},
		{"both kinds and P1", data(half+1, half+1, tbl("a", half+1, half+1)),
			map[string]checks.Severity{"F002/xid-wraparound": checks.P1, "F002/mxid-wraparound": checks.P1,
				"F002/table-freeze-overdue": checks.P2, "F002/table-mxid-freeze-overdue": checks.P2}},
		{"another database overdue", func() Data {
			d := data(1000, 0)
			d.Databases[1].XIDAge = fmax + 1
			return d
		}(), map[string]checks.Severity{"F002/database-freeze-overdue": checks.P2}},
		{"another database overdue by multixacts", func() Data {
			d := data(1000, 0)
			d.Databases[1].MXIDAge = mxmax + 1
			return d
		}(), map[string]checks.Severity{"F002/database-freeze-overdue": checks.P2}},
		{"critical database is not also reported as overdue", func() Data {
			d := data(1000, 0)
			d.Databases[1].XIDAge = half + 1
			fill(&d)
			return d
		}(), map[string]checks.Severity{"F002/xid-wraparound": checks.P1}},
		{"connected database overdue without a listed table", data(fmax+1, 0, tbl("a", 10, 0)),
			map[string]checks.Severity{"F002/database-freeze-overdue": checks.P2}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := analyze(tc.d, New().cfg)
			got := map[string]checks.Severity{}
			for _, f := range fs {
				got[f.Code] = f.Severity
				if len(f.Objects) == 0 {
					t.Errorf("%s names no objects", f.Code)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for c, s := range tc.want {
				if got[c] != s {
					t.Errorf("%s: got %v, want %v", c, got[c], s)
				}
			}
			render(t, tc.d)
		})
	}
}

func TestTableFindingNamesOwnerAndStatement(t *testing.T) {
	d := data(fmax+5, 0, Table{Schema: "my schema", Name: `we"ird`, Toast: "pg_toast_123", XIDAge: fmax + 5, VacuumRunning: true})
	fs := analyze(d, New().cfg)
	if len(fs) != 1 {
		t.Fatalf("findings %+v", fs)
	}
	f := fs[0]
	for _, want := range []string{"pg_toast_123", `VACUUM (FREEZE, VERBOSE) "my schema"."we""ird";`, "C007", "running"} {
		if !strings.Contains(f.Conclusion+f.Recommendation, want) {
			t.Errorf("finding lacks %q: %+v", want, f)
		}
	}
	if f.Objects[0] != `my schema.we"ird` {
		t.Errorf("objects %v", f.Objects)
	}
}

func TestEffective(t *testing.T) {
	v := func(n int64) *int64 { return &n }
	for _, tc := range []struct {
		opt  *int64
		want int64
	}{{nil, fmax}, {v(-1), fmax}, {v(100_000), 100_000}, {v(fmax * 2), fmax}} {
		if got := effective(fmax, tc.opt); got != tc.want {
			t.Errorf("effective(%v) = %d, want %d", tc.opt, got, tc.want)
		}
	}
}

func TestQueriesPassAudit(t *testing.T) {
	for _, q := range New().Queries() {
		if err := sqlaudit.Check(q.SQL); err != nil {
			t.Errorf("%s: %v", q.Name, err)
		}
	}
}

func render(t *testing.T, d Data) string { return checktest.Template(t, "F002", d) }

func TestWraparoundNamesOldestTablesOfConnectedDatabase(t *testing.T) {
	d := data(1000, half+1, tbl("young_mx", 900, 10), tbl("old_mx", 800, half+1))
	for _, f := range analyze(d, New().cfg) {
		if f.Code != "F002/mxid-wraparound" {
			continue
		}
		i, j := strings.Index(f.Recommendation, `"old_mx"`), strings.Index(f.Recommendation, `"young_mx"`)
		if i < 0 || j < 0 || i > j {
			t.Fatalf("the oldest by multixact age should come first: %s", f.Recommendation)
		}
		return
	}
	t.Fatal("no F002/mxid-wraparound")
}

func TestConfigurableThresholds(t *testing.T) {
	cfg := New().cfg
	cfg.WraparoundPercent, cfg.OverduePercent = 80, 150
	if fs := analyze(data(fmax*3/2, 0, tbl("a", fmax*3/2, 0)), cfg); len(fs) != 0 {
		t.Fatalf("findings %+v", fs)
	}
	for _, age := range []int64{fmax*3/2 + 1, half + 1} { // overdue, but not above 80% of 2^31
		if fs := analyze(data(age, 0, tbl("a", age, 0)), cfg); len(fs) != 1 || fs[0].Code != "F002/table-freeze-overdue" {
			t.Fatalf("age %d: findings %+v", age, fs)
		}
	}
}
