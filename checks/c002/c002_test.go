package c002

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/checktest"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
	"github.com/pgcheckup/pgcheckup/internal/sqlaudit"
)

const mib = 1 << 20

func f(v float64) *float64      { return &v }
func txt(s string) *checks.Text { v := checks.Text(s); return &v }

func standby(replayBytes float64, replaySec *float64) Standby {
	return Standby{PID: 100, Application: "standby1", State: "streaming", SyncState: "async",
		SentLagBytes: f(0), WriteLagBytes: f(0), FlushLagBytes: f(0), ReplayLagBytes: f(replayBytes), ReplayLagSec: replaySec}
}

func primary(s ...Standby) Data {
	return Data{Standbys: append([]Standby{}, s...), Settings: []pgsettings.Converted{}, StreamingDelaySec: 30, ArchiveDelaySec: 30, SyncCommit: "on"}
}

func standbyNode(r Receiver) Data {
	d := primary()
	d.InRecovery, d.Receiver = true, &r
	return d
}

func receiver(lag float64, lastReplay *float64) Receiver {
	return Receiver{ReceiveLSN: txt("0/3000000"), ReplayLSN: txt("0/3000000"), ReplayLagBytes: f(lag), LastReplayAgeSec: lastReplay,
		PauseState: "not paused", Status: txt("streaming"), HasPrimaryConninfo: true}
}

func TestAnalyze(t *testing.T) {
	cases := []struct {
		name string
		d    Data
		want map[string]checks.Severity
	}{
		{"no standbys", primary(), nil},
		{"caught up", primary(standby(0, nil)), nil},
		{"bytes at the threshold", primary(standby(1024*mib, f(1))), nil},
		{"bytes above", primary(standby(1024*mib+1, nil)), map[string]checks.Severity{"C002/standby-lag": checks.P2}},
		{"time at the threshold", primary(standby(10, f(300))), nil},
		{"time above", primary(standby(10, f(300.5))), map[string]checks.Severity{"C002/standby-lag": checks.P2}},
		{"catching up", func() Data { s := standby(0, nil); s.State = "catchup"; return primary(s) }(),
			map[string]checks.Severity{"C002/standby-not-streaming": checks.P2}},
		{"base backup is not a standby", func() Data { s := standby(0, nil); s.State = "backup"; return primary(s) }(), nil},
		{"sync standby missing", func() Data { d := primary(standby(0, nil)); d.SyncStandbyNames = "ANY 1 (s1)"; return d }(),
			map[string]checks.Severity{"C002/no-sync-standby": checks.P1}},
		{"sync standby present", func() Data {
			s := standby(0, nil)
			s.SyncState = "quorum"
			d := primary(s)
			d.SyncStandbyNames = "ANY 1 (s1)"
			return d
		}(), nil},
		{"sync names but synchronous_commit local", func() Data { d := primary(); d.SyncStandbyNames = "s1"; d.SyncCommit = "local"; return d }(), nil},
		{"standby caught up, primary idle for an hour", standbyNode(receiver(0, f(3600))), nil},
		{"standby with pending WAL and old commit", standbyNode(receiver(100, f(301))), map[string]checks.Severity{"C002/replay-lag": checks.P2}},
		{"standby with pending WAL, recent commit", standbyNode(receiver(100, f(299))), nil},
		{"standby far behind in bytes", standbyNode(receiver(1024*mib+1, nil)), map[string]checks.Severity{"C002/replay-lag": checks.P2}},
		{"delayed standby", func() Data { d := standbyNode(receiver(2048*mib, f(3000))); d.ApplyDelaySec = 3600; return d }(),
			map[string]checks.Severity{"C002/replay-lag": checks.Info}},
		{"replay paused", func() Data { r := receiver(0, nil); r.PauseState = "paused"; return standbyNode(r) }(),
			map[string]checks.Severity{"C002/replay-paused": checks.P2}},
		{"pause requested", func() Data { r := receiver(0, nil); r.PauseState = "pause requested"; return standbyNode(r) }(),
			map[string]checks.Severity{"C002/replay-paused": checks.P2}},
		{"receiver down", func() Data { r := receiver(0, nil); r.Status = nil; return standbyNode(r) }(),
			map[string]checks.Severity{"C002/wal-receiver-down": checks.P2}},
		{"receiver waiting", func() Data { r := receiver(0, nil); r.Status = txt("waiting"); return standbyNode(r) }(),
			map[string]checks.Severity{"C002/wal-receiver-down": checks.P2}},
		{"archive-only standby", func() Data {
			r := receiver(0, nil)
			r.Status, r.HasPrimaryConninfo, r.ReceiveLSN, r.ReplayLagBytes = nil, false, nil, nil
			return standbyNode(r)
		}(), nil},
		{"unbounded delay", func() Data { d := standbyNode(receiver(0, nil)); d.StreamingDelaySec = -1; return d }(),
			map[string]checks.Severity{"C002/unbounded-standby-delay": checks.P3}},
		{"unbounded delay on a primary does not matter", func() Data { d := primary(); d.StreamingDelaySec = -1; return d }(), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]checks.Severity{}
			for _, f := range analyze(tc.d, New().cfg) {
				got[f.Code] = f.Severity
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

func TestLagPointsAtTheStage(t *testing.T) {
	s := standby(2048*mib, nil)
	s.SentLagBytes, s.WriteLagBytes, s.FlushLagBytes = f(2048*mib), f(2048*mib), f(2048*mib)
	fs := analyze(primary(s), New().cfg)
	if len(fs) != 1 || !strings.Contains(fs[0].Recommendation, "network") || fs[0].Objects[0] != "standby1" {
		t.Fatalf("%+v", fs)
	}
	s = standby(2048*mib, nil)
	fs = analyze(primary(s), New().cfg)
	if len(fs) != 1 || !strings.Contains(fs[0].Recommendation, "replays it slowly") {
		t.Fatalf("%+v", fs)
	}
}

func TestQueriesPassAudit(t *testing.T) {
	for _, q := range New().Queries() {
		if err := sqlaudit.Check(q.SQL); err != nil {
			t.Errorf("%s: %v", q.Name, err)
		}
		if strings.Contains(q.SQL, "client_addr") || strings.Contains(q.SQL, "conninfo')") && !strings.Contains(q.SQL, "<> ''") {
			t.Errorf("%s reads addresses or connection strings", q.Name)
		}
	}
}

func render(t *testing.T, d Data) string { return checktest.Template(t, "C002", d) }
