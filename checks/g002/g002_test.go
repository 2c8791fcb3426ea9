package g002

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/sqlaudit"
)

func base() Data {
	d := Data{MaxConnections: 103, SuperuserReserved: 3, Available: 100, Sessions: 10, UsedPercent: 10,
		IdleInTransactionTimeout: "0", ByState: []StateCount{{State: "idle", Sessions: 10}},
		ByDatabase: []Count{{Key: "app", Sessions: 10}}, ByUser: []Count{{Key: "web", Sessions: 10}},
		ByApplication: []Count{{Key: "", Sessions: 10}}, Groups: map[checks.Label]int64{"state": 1},
		Oldest: []Session{}, Prepared: []Prepared{}, IdleP3Seconds: 60, IdleP2Seconds: 3600}
	return d
}

func sess(kind checks.Label, pid int, age float64) Session {
	return Session{Kind: kind, PID: pid, User: "web", Application: "shop|app", Database: "app", State: "idle in transaction", AgeSec: age}
}

func TestAnalyze(t *testing.T) {
	cases := []struct {
		name string
		mod  func(*Data)
		want map[string]checks.Severity
	}{
		{"quiet", func(*Data) {}, nil},
		{"connections just below P2", func(d *Data) { d.Sessions, d.UsedPercent = 79, 79.9 }, nil},
		{"connections at P2", func(d *Data) { d.Sessions, d.UsedPercent = 80, 80 }, map[string]checks.Severity{"G002/connections": checks.P2}},
		{"connections at P1", func(d *Data) { d.Sessions, d.UsedPercent = 95, 95 }, map[string]checks.Severity{"G002/connections": checks.P1}},
		{"idle in transaction over a minute", func(d *Data) {
			d.IdleInTxShort = 2
			d.Oldest = []Session{sess("idle_in_transaction", 7, 61), sess("transaction", 7, 62)}
		}, map[string]checks.Severity{"G002/idle-in-transaction": checks.P3}},
		{"idle in transaction over an hour", func(d *Data) {
			d.IdleInTxShort, d.IdleInTxLong = 2, 1
			d.Oldest = []Session{sess("idle_in_transaction", 7, 3601), sess("transaction", 7, 3700)}
		}, map[string]checks.Severity{"G002/idle-in-transaction": checks.P2}},
		{"idle in transaction, not yet a minute", func(d *Data) {
			d.Oldest = []Session{sess("idle_in_transaction", 7, 59)}
		}, nil},
		{"long transaction of another session", func(d *Data) {
			d.IdleInTxShort = 1
			d.Oldest = []Session{sess("idle_in_transaction", 7, 61), sess("transaction", 8, 3601)}
		}, map[string]checks.Severity{"G002/idle-in-transaction": checks.P3, "G002/long-transaction": checks.P3}},
		{"transaction at exactly an hour", func(d *Data) { d.Oldest = []Session{sess("transaction", 8, 3600)} }, nil},
		{"day-old transaction", func(d *Data) { d.Oldest = []Session{sess("transaction", 8, 86401)} },
			map[string]checks.Severity{"G002/long-transaction": checks.P2}},
		{"long query", func(d *Data) { d.Oldest = []Session{sess("query", 9, 3601)} },
			map[string]checks.Severity{"G002/long-query": checks.P3}},
		{"prepared transaction at the limit", func(d *Data) {
			d.Prepared = []Prepared{{GID: "g1", Owner: "app", Database: "app", AgeSec: 300}}
		}, nil},
		{"old prepared transaction", func(d *Data) {
			d.Prepared = []Prepared{{GID: "it's-1", Owner: "app", Database: "app", AgeSec: 301}}
		}, map[string]checks.Severity{"G002/prepared-transaction": checks.P2}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := base()
			tc.mod(&d)
			fs := analyze(d, New().cfg)
			got := map[string]checks.Severity{}
			for _, f := range fs {
				// the worst per code: a code may also have a finding that counts the rest
				if s, ok := got[f.Code]; !ok || f.Severity > s {
					got[f.Code] = f.Severity
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
			render(t, d)
		})
	}
}

func TestFindingText(t *testing.T) {
	d := base()
	d.IdleInTxShort = 1
	d.Oldest = []Session{sess("idle_in_transaction", 4242, 120)}
	d.Prepared = []Prepared{{GID: "it's-1", Owner: "app", Database: "app", AgeSec: 400}}
	fs := analyze(d, New().cfg)
	all := ""
	for _, f := range fs {
		all += f.Conclusion + " " + f.Recommendation + " "
	}
	for _, want := range []string{"pid 4242", "`shop\\|app`", "pg_terminate_backend(4242)", "`COMMIT PREPARED 'it''s-1';`", "`ROLLBACK PREPARED 'it''s-1';`"} {
		if !strings.Contains(all, want) {
			t.Errorf("lacks %q: %s", want, all)
		}
	}
}

func TestQueriesPassAudit(t *testing.T) {
	for _, q := range New().Queries() {
		if err := sqlaudit.Check(q.SQL); err != nil {
			t.Errorf("%s: %v", q.Name, err)
		}
		for _, bad := range []string{"query", "client_addr", "client_hostname"} {
			for _, w := range strings.FieldsFunc(q.SQL, func(r rune) bool { return r == ' ' || r == ',' || r == '\n' || r == '(' || r == ')' }) {
				if w == bad {
					t.Errorf("%s reads %s", q.Name, bad)
				}
			}
		}
	}
}

func render(t *testing.T, d Data) string { return checktest.Template(t, "G002", d) }

// TestAnalyzeCounts: the findings count every session and prepared transaction past
// their limits, per severity, not only the ones named.
func TestAnalyzeCounts(t *testing.T) {
	d := Data{IdleInTxShort: 5, IdleInTxLong: 2, PreparedOld: 12,
		Oldest:   []Session{{Kind: "idle_in_transaction", PID: 7, AgeSec: 90000}},
		Prepared: []Prepared{{GID: "a", AgeSec: 900}, {GID: "b", AgeSec: 800}}}
	w := map[string]int{}
	for _, f := range analyze(d, New().cfg) {
		w[f.Code+" "+f.Severity.String()] += f.Weight()
	}
	want := map[string]int{"G002/idle-in-transaction P2": 2, "G002/idle-in-transaction P3": 3, "G002/prepared-transaction P2": 12}
	for k, v := range want {
		if w[k] != v {
			t.Errorf("%s: %d, want %d (all %v)", k, w[k], v, w)
		}
	}
}
