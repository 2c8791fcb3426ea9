package c007

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
	"github.com/pgcheckup/pgcheckup/internal/sqlaudit"
)

const mib = 1 << 20

func f(v float64) *float64     { return &v }
func n(s string) *checks.Name  { v := checks.Name(s); return &v }
func tx(s string) *checks.Text { v := checks.Text(s); return &v }
func ip(v int) *int            { return &v }

func data(slots []Slot, holders ...Holder) Data {
	d := Data{Slots: slots, Holders: holders, FreezeMaxAge: 200_000_000,
		Settings: []pgsettings.Converted{{Row: pgsettings.Row{Setting: checks.Setting{Name: "max_slot_wal_keep_size", Value: "-1"}}}}}
	if d.Slots == nil {
		d.Slots = []Slot{}
	}
	if d.Holders == nil {
		d.Holders = []Holder{}
	}
	return d
}

func slot(name string, active bool, retained float64, status string) Slot {
	s := Slot{Name: checks.Name(name), Type: "physical", Active: active, RetainedBytes: f(retained)}
	if status != "" {
		s.WALStatus = tx(status)
	}
	return s
}

func backend(age int64, sec float64) Holder {
	return Holder{Kind: "backend", PID: ip(4242), Name: "report_app", Owner: n("alice"), Database: n("app"),
		State: "idle in transaction", Detail: "client backend", XminAge: age, AgeSec: f(sec)}
}

func TestSlots(t *testing.T) {
	cases := []struct {
		name string
		s    Slot
		want map[string]checks.Severity
	}{
		{"active, little WAL", slot("s", true, 10*mib, "reserved"), nil},
		{"inactive, little WAL", slot("s", false, 10*mib, "reserved"), map[string]checks.Severity{"C007/inactive-slot": checks.P3}},
		{"inactive at the threshold", slot("s", false, 1024*mib, "extended"), map[string]checks.Severity{"C007/inactive-slot": checks.P3}},
		{"inactive above the threshold", slot("s", false, 1024*mib+1, "extended"),
			map[string]checks.Severity{"C007/inactive-slot-retains-wal": checks.P1}},
		{"inactive above the threshold on 12", slot("s", false, 2048*mib, ""),
			map[string]checks.Severity{"C007/inactive-slot-retains-wal": checks.P1}},
		{"active far behind", slot("s", true, 10240*mib+1, "extended"), map[string]checks.Severity{"C007/slot-retains-wal": checks.P2}},
		{"active at its threshold", slot("s", true, 10240*mib, "extended"), nil},
		{"unreserved", slot("s", true, 10*mib, "unreserved"), map[string]checks.Severity{"C007/slot-unreserved": checks.P1}},
		{"lost", func() Slot { s := slot("s", false, 0, "lost"); s.RetainedBytes = nil; return s }(),
			map[string]checks.Severity{"C007/slot-lost": checks.P1}},
		{"temporary slots belong to a session", func() Slot { s := slot("s", false, 4096*mib, "reserved"); s.Temporary = true; return s }(), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := data([]Slot{tc.s})
			check(t, d, tc.want)
		})
	}
}

func TestHolders(t *testing.T) {
	cases := []struct {
		name string
		h    Holder
		want map[string]checks.Severity
	}{
		{"young backend", backend(999_999, 3599), nil},
		{"backend at P3 by age", backend(1_000_000, 1), map[string]checks.Severity{"C007/xmin-held-by-backend": checks.P3}},
		{"backend at P3 by time", backend(10, 3600), map[string]checks.Severity{"C007/xmin-held-by-backend": checks.P3}},
		{"backend at P2 by age", backend(10_000_000, 1), map[string]checks.Severity{"C007/xmin-held-by-backend": checks.P2}},
		{"backend at P2 by time", backend(10, 86400), map[string]checks.Severity{"C007/xmin-held-by-backend": checks.P2}},
		{"backend at the freeze max age", backend(200_000_000, 1), map[string]checks.Severity{"C007/xmin-held-by-backend": checks.P2}},
		{"backend past the freeze max age", backend(200_000_001, 1), map[string]checks.Severity{"C007/xmin-held-by-backend": checks.P1}},
		{"prepared transaction", Holder{Kind: "prepared", Name: "tm:42", Owner: n("app"), Database: n("app"), XminAge: 2_000_000, AgeSec: f(5)},
			map[string]checks.Severity{"C007/xmin-held-by-prepared-transaction": checks.P3}},
		{"slot xmin has no time", Holder{Kind: "slot", Name: "sb", State: "inactive", Detail: "physical", XminAge: 999_999}, nil},
		{"slot xmin", Holder{Kind: "slot", Name: "sb", State: "inactive", Detail: "physical", XminAge: 12_000_000},
			map[string]checks.Severity{"C007/xmin-held-by-slot": checks.P2}},
		{"slot catalog_xmin", Holder{Kind: "slot_catalog", Name: "sub", State: "active", Detail: "logical", XminAge: 1_500_000},
			map[string]checks.Severity{"C007/xmin-held-by-slot": checks.P3}},
		{"standby feedback", Holder{Kind: "standby", PID: ip(77), Name: "replica1", State: "streaming", XminAge: 3_000_000},
			map[string]checks.Severity{"C007/xmin-held-by-standby": checks.P3}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			check(t, data(nil, tc.h), tc.want)
		})
	}
}

func TestHolderFindingsNameTheHolder(t *testing.T) {
	sb := slot("sb_slot", false, 100, "reserved")
	d := data([]Slot{sb},
		Holder{Kind: "slot", Name: "sb_slot", State: "inactive", Detail: "physical", XminAge: 5_000_000},
		backend(4_000_000, 10),
		Holder{Kind: "prepared", Name: "it's", Owner: n("app"), Database: n("app"), XminAge: 3_000_000, AgeSec: f(5)},
		Holder{Kind: "standby", PID: ip(77), Name: "replica1", XminAge: 2_000_000},
	)
	want := map[string][]string{
		"C007/xmin-held-by-slot":                 {"`sb_slot`", "holds the xmin horizon", "pg_drop_replication_slot('sb_slot')"},
		"C007/xmin-held-by-backend":              {"pid 4242", "`report_app`", "number 2", "pg_terminate_backend(4242)", "idle_in_transaction_session_timeout"},
		"C007/xmin-held-by-prepared-transaction": {"`it's`", "ROLLBACK PREPARED 'it''s';"},
		"C007/xmin-held-by-standby":              {"`replica1`", "hot_standby_feedback"},
	}
	got := 0
	for _, fd := range analyze(d, New().cfg) {
		w, ok := want[fd.Code]
		if !ok {
			continue
		}
		got++
		for _, s := range w {
			if !strings.Contains(fd.Conclusion+" "+fd.Recommendation, s) {
				t.Errorf("%s lacks %q: %s / %s", fd.Code, s, fd.Conclusion, fd.Recommendation)
			}
		}
	}
	if got != len(want) {
		t.Fatalf("%d of %d holder findings", got, len(want))
	}
	render(t, d)
}

func check(t *testing.T, d Data, want map[string]checks.Severity) {
	t.Helper()
	got := map[string]checks.Severity{}
	for _, fd := range analyze(d, New().cfg) {
		got[fd.Code] = fd.Severity
		if len(fd.Objects) == 0 {
			t.Errorf("%s names nothing", fd.Code)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for c, s := range want {
		if got[c] != s {
			t.Errorf("%s: got %v, want %v", c, got[c], s)
		}
	}
	render(t, d)
}

func TestQueriesPassAudit(t *testing.T) {
	for _, q := range New().Queries() {
		if err := sqlaudit.Check(q.SQL); err != nil {
			t.Errorf("%s: %v", q.Name, err)
		}
		if strings.Contains(q.SQL, "a.query") || strings.Contains(q.SQL, "client_addr") {
			t.Errorf("%s reads query texts or addresses", q.Name)
		}
	}
}

func render(t *testing.T, d Data) string { return checktest.Template(t, "C007", d) }
