package c005

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func ptr[T any](v T) *T { return &v }

func TestAnalyze(t *testing.T) {
	id := uint32(1)
	running := Subscription{ID: &id, Name: "s", Enabled: true, Known: true, ApplyPID: ptr(10), ApplyErrors: ptr(int64(0)), SyncErrors: ptr(int64(0))}
	mod := func(s Subscription, f func(*Subscription)) Subscription { f(&s); return s }
	pubs := []Publication{{Name: "p", AllTables: true, Update: true, Delete: true}}
	cfg := New().cfg
	for _, tc := range []struct {
		name string
		d    Data
		want map[string]checks.Severity
	}{
		{"nothing", Data{}, map[string]checks.Severity{}},
		{"healthy subscription", Data{Subs: []Subscription{running}}, map[string]checks.Severity{}},
		{"disabled", Data{Subs: []Subscription{mod(running, func(s *Subscription) { s.Enabled, s.ApplyPID = false, nil })}},
			map[string]checks.Severity{"C005/subscription-disabled": checks.P2}},
		{"no worker", Data{Subs: []Subscription{mod(running, func(s *Subscription) { s.ApplyPID = nil })}},
			map[string]checks.Severity{"C005/subscription-worker-not-running": checks.P2}},
		{"unknown (12-13)", Data{Subs: []Subscription{mod(running, func(s *Subscription) { s.ID, s.Known, s.ApplyPID = nil, false, nil })}},
			map[string]checks.Severity{"C005/subscription-state-unknown": checks.Info}},
		{"errors", Data{Subs: []Subscription{mod(running, func(s *Subscription) { s.SyncErrors = ptr(int64(2)) })}},
			map[string]checks.Severity{"C005/subscription-errors": checks.P2}},
		{"conflicts (18)", Data{Subs: []Subscription{mod(running, func(s *Subscription) { s.Conflicts = ptr(int64(1)) })}},
			map[string]checks.Severity{"C005/subscription-conflicts": checks.P3}},
		{"standby: not judged", Data{InRecovery: true, Subs: []Subscription{mod(running, func(s *Subscription) { s.ApplyPID, s.ApplyErrors = nil, ptr(int64(3)) })}},
			map[string]checks.Severity{}},
		{"no replica identity", Data{WALLevel: "logical", Publications: pubs, NoIdentityN: 1,
			NoIdentity: []NoIdentity{{Schema: "public", Table: "b", ReplIdent: "d", Publications: []checks.Name{"p"}, Update: true, Delete: true}}},
			map[string]checks.Severity{"C005/no-replica-identity": checks.P1}},
		{"wal_level replica", Data{WALLevel: "replica", Publications: pubs}, map[string]checks.Severity{"C005/wal-level-not-logical": checks.P2}},
		{"wal_level on a standby", Data{InRecovery: true, WALLevel: "replica", Publications: pubs}, map[string]checks.Severity{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]checks.Severity{}
			for _, f := range analyze(tc.d, cfg) {
				got[f.Code] = f.Severity
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s: %v, want %v", k, got[k], v)
				}
			}
		})
	}
}

func TestUnlistedIdentity(t *testing.T) {
	d := Data{WALLevel: "logical", Publications: []Publication{{Name: "p", Update: true}}, NoIdentityN: 25,
		NoIdentity: []NoIdentity{{Schema: "s", Table: "t", ReplIdent: "n", Publications: []checks.Name{"p"}, Update: true}}}
	fs := analyze(d, New().cfg)
	if len(fs) != 2 || fs[1].Count != 24 || fs[1].Severity != checks.P1 {
		t.Fatalf("%+v", fs)
	}
	if !strings.Contains(fs[0].Conclusion, "REPLICA IDENTITY NOTHING") || !strings.Contains(fs[0].Conclusion, "every UPDATE on it fails") ||
		strings.Contains(fs[0].Conclusion, "DELETE") {
		t.Errorf("%s", fs[0].Conclusion)
	}
	if !strings.Contains(fs[0].Recommendation, "ALTER TABLE s.t ADD PRIMARY KEY") {
		t.Errorf("%s", fs[0].Recommendation)
	}
}
