package c002

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	lagBytes := cfg.LagMB * (1 << 20)
	anySync := false
	for _, s := range d.Standbys {
		anySync = anySync || s.SyncState == "sync" || s.SyncState == "quorum"
		if s.State != "streaming" && s.State != "backup" {
			out = append(out, checks.Finding{Code: "C002/standby-not-streaming", Severity: checks.P2, Objects: []checks.Name{s.Application},
				Conclusion: fmt.Sprintf("Standby %s (pid %d) is in state %s, not streaming: it is still starting or catching up on WAL it missed.",
					checks.Code(string(s.Application)), s.PID, checks.Code(string(s.State))),
				Recommendation: "Follow its progress here and in the standby's log; if it stays in this state, the standby cannot keep up with the WAL rate (disk, network)."})
		}
		byteLag := s.ReplayLagBytes != nil && *s.ReplayLagBytes > lagBytes
		timeLag := s.ReplayLagSec != nil && *s.ReplayLagSec > cfg.LagSeconds
		if byteLag || timeLag {
			out = append(out, checks.Finding{Code: "C002/standby-lag", Severity: checks.P2, Objects: []checks.Name{s.Application},
				Conclusion: fmt.Sprintf("Standby %s is behind: %s. Queries on it see old data, and a failover to it would take that long to replay (or lose what was not sent).",
					checks.Code(string(s.Application)), lagParts(s)),
				Recommendation: whereLag(s, lagBytes)})
		}
	}
	if !d.InRecovery && strings.TrimSpace(string(d.SyncStandbyNames)) != "" && !anySync && d.SyncCommit != "local" && d.SyncCommit != "off" {
		out = append(out, checks.Finding{Code: "C002/no-sync-standby", Severity: checks.P1,
			Conclusion: fmt.Sprintf("%s is %s, but no connected standby is synchronous: every commit waits for a standby that is not there.",
				checks.Code("synchronous_standby_names"), checks.Code(string(d.SyncStandbyNames))),
			Recommendation: "Bring the synchronous standby back, or, if losing it is acceptable until then, stop waiting for it: " +
				checks.Code("ALTER SYSTEM SET synchronous_standby_names = ''; SELECT pg_catalog.pg_reload_conf();")})
	}
	if r := d.Receiver; r != nil {
		out = append(out, analyzeReceiver(d, *r, cfg, lagBytes)...)
	}
	return out
}

func analyzeReceiver(d Data, r Receiver, cfg Config, lagBytes float64) []checks.Finding {
	var out []checks.Finding
	if r.PauseState != "not paused" && r.PauseState != "" {
		out = append(out, checks.Finding{Code: "C002/replay-paused", Severity: checks.P2,
			Conclusion: fmt.Sprintf("WAL replay on this standby is %s: it receives WAL but applies none of it, so its data gets older.", checks.Code(string(r.PauseState))),
			Recommendation: "If nobody paused it on purpose (a backup, an investigation), resume it on this standby: " +
				checks.Code("SELECT pg_catalog.pg_wal_replay_resume();")})
	}
	if r.ReplayLagBytes != nil {
		pending := *r.ReplayLagBytes > 0
		byteLag := *r.ReplayLagBytes > lagBytes
		timeLag := pending && r.LastReplayAgeSec != nil && *r.LastReplayAgeSec > cfg.LagSeconds
		if byteLag || timeLag {
			what := fmt.Sprintf("%s of received WAL is not replayed yet", checks.Bytes(int64(*r.ReplayLagBytes)))
			if r.LastReplayAgeSec != nil {
				what += fmt.Sprintf("; the last replayed transaction committed on the primary %s ago", checks.Duration(*r.LastReplayAgeSec))
			}
			f := checks.Finding{Code: "C002/replay-lag", Severity: checks.P2,
				Conclusion: "This standby's replay is behind: " + what + ".",
				Recommendation: "Look for replay conflicts and long queries on this standby (with " + checks.Code("max_standby_streaming_delay") +
					" large or -1, a query can hold replay back), for a paused replay, and for I/O saturation: replay is single-threaded."}
			if d.ApplyDelaySec > 0 {
				f.Severity = checks.Info
				f.Conclusion += fmt.Sprintf(" This is a delayed standby (%s = %s): replay lag up to that delay is intended.",
					checks.Code("recovery_min_apply_delay"), checks.Duration(d.ApplyDelaySec))
				f.Recommendation = "Nothing to do if the delay is intended; it protects against mistakes on the primary, so do not fail over to this standby without replaying first."
			}
			out = append(out, f)
		}
	}
	if r.HasPrimaryConninfo && (r.Status == nil || *r.Status != "streaming") {
		status := "not running"
		if r.Status != nil {
			status = checks.Code(string(*r.Status))
		}
		out = append(out, checks.Finding{Code: "C002/wal-receiver-down", Severity: checks.P2,
			Conclusion: fmt.Sprintf("This standby has %s set but its WAL receiver is %s: it does not stream from the primary (it may still restore from the archive).",
				checks.Code("primary_conninfo"), status),
			Recommendation: "Read the standby's log for the connection error: primary unreachable, authentication or " + checks.Code("pg_hba.conf") +
				", a missing replication slot, or WAL already removed on the primary (then keep more with a slot or " + checks.Code("wal_keep_size") + ")."})
	}
	var unbounded []string
	if d.StreamingDelaySec < 0 {
		unbounded = append(unbounded, checks.Code("max_standby_streaming_delay"))
	}
	if d.ArchiveDelaySec < 0 {
		unbounded = append(unbounded, checks.Code("max_standby_archive_delay"))
	}
	if len(unbounded) > 0 {
		out = append(out, checks.Finding{Code: "C002/unbounded-standby-delay", Severity: checks.P3,
			Conclusion: strings.Join(unbounded, " and ") + " = -1: replay waits as long as any conflicting query runs on this standby, so its lag has no bound.",
			Recommendation: "Bound it, e.g. " + checks.Code("ALTER SYSTEM SET max_standby_streaming_delay = '5min'; SELECT pg_catalog.pg_reload_conf();") +
				", and use " + checks.Code("hot_standby_feedback = on") + " if long queries must not be cancelled (at the price of bloat on the primary)."})
	}
	return out
}

func lagParts(s Standby) string {
	var p []string
	add := func(name string, b *float64, sec *float64) {
		v := "unknown"
		if b != nil {
			v = checks.Bytes(int64(*b))
		}
		if sec != nil {
			v += " / " + checks.Duration(*sec)
		}
		p = append(p, name+" "+v)
	}
	add("sent", s.SentLagBytes, nil)
	add("written", s.WriteLagBytes, s.WriteLagSec)
	add("flushed", s.FlushLagBytes, s.FlushLagSec)
	add("replayed", s.ReplayLagBytes, s.ReplayLagSec)
	return "not yet " + strings.Join(p, ", ")
}

// whereLag points at the stage where the standby falls behind.
func whereLag(s Standby, lagBytes float64) string {
	big := func(b *float64) bool { return b != nil && *b > lagBytes/2 }
	switch {
	case big(s.SentLagBytes):
		return "WAL is not even sent: the network between the servers or the WAL sender is the bottleneck (bandwidth, latency, " +
			checks.Code("wal_sender_timeout") + "). Compare the WAL rate with the bandwidth."
	case big(s.FlushLagBytes):
		return "The standby receives WAL but writes or flushes it slowly: look at the standby's disk (I/O wait, " + checks.Code("pg_wal") + " volume)."
	default:
		return "The standby has the WAL but replays it slowly: run C002 on the standby to see whether replay is paused or delayed " +
			"(" + checks.Code("recovery_min_apply_delay") + "), look for replay conflicts with its queries (" + checks.Code("max_standby_streaming_delay") +
			") and for I/O saturation (replay is single-threaded)."
	}
}
