package e002

import (
	"fmt"
	"math"

	"github.com/pgcheckup/pgcheckup/checks"
)

// Derived holds what E002 computes from the counters. Pointers are nil when unknown.
type Derived struct {
	Kind               checks.Label `json:"kind"` // "checkpoints" or, on a 17+ standby, "restartpoints"
	Timed              int64        `json:"timed"`
	Requested          int64        `json:"requested"`
	RequestedPercent   *float64     `json:"requested_percent"`
	CheckpointsPerHour *float64     `json:"checkpoints_per_hour"`
	SecondsBetween     *float64     `json:"seconds_between"` // average interval
	WriteSeconds       float64      `json:"write_seconds"`   // checkpoint write phase, in total
	SyncSeconds        float64      `json:"sync_seconds"`    // checkpoint sync phase, in total

	BackendWrites       *int64       `json:"backend_writes"`
	BackendWritesSource checks.Label `json:"backend_writes_source"`
	BackendFsyncs       *int64       `json:"backend_fsyncs"`
	TotalWritten        int64        `json:"total_written"`
	CheckpointerPercent *float64     `json:"checkpointer_percent"`
	BgwriterPercent     *float64     `json:"bgwriter_percent"`
	BackendPercent      *float64     `json:"backend_percent"`
	WrittenPerSecond    *float64     `json:"written_per_second"` // buffers

	WALBytesPerSecond *float64 `json:"wal_bytes_per_second"`
	// SuggestedMaxWALSize is the max_wal_size that one checkpoint_timeout of WAL at the
	// average rate needs, rounded up to a whole GiB; nil when the rate is unknown.
	SuggestedMaxWALSize *int64 `json:"suggested_max_wal_size"`

	Unknown []checks.Label `json:"unknown"` // what could not be judged, and why
}

// Process types whose pg_stat_io writes are not "backends writing for themselves".
var notBackends = map[checks.Text]bool{"checkpointer": true, "background writer": true, "standalone backend": true}

func derive(d Data) Derived {
	x := Derived{Kind: "checkpoints", Timed: d.CheckpointsTimed, Requested: d.CheckpointsRequested, Unknown: []checks.Label{}}
	// On 17+ a standby counts restartpoints apart; before 17 they are in the checkpoint counters.
	if d.InRecovery && d.RestartpointsTimed != nil && d.RestartpointsRequested != nil {
		x.Kind, x.Timed, x.Requested = "restartpoints", *d.RestartpointsTimed, *d.RestartpointsRequested
	}
	x.WriteSeconds, x.SyncSeconds = d.WriteTimeMS/1000, d.SyncTimeMS/1000
	total := x.Timed + x.Requested
	if total > 0 {
		x.RequestedPercent = ptr(100 * float64(x.Requested) / float64(total))
	}
	switch {
	case d.HasIO:
		var w, f int64
		for _, r := range d.IO {
			if !notBackends[r.BackendType] {
				w += r.WritesNormal
				f += r.Fsyncs
			}
		}
		x.BackendWrites, x.BackendFsyncs = &w, &f
		x.BackendWritesSource = "pg_stat_io (context normal)"
	case d.BuffersBackend != nil:
		x.BackendWrites, x.BackendFsyncs = d.BuffersBackend, d.BuffersBackendFsync
		x.BackendWritesSource = "pg_stat_bgwriter.buffers_backend"
	default:
		x.Unknown = append(x.Unknown, "buffers written by backends: this server reports neither buffers_backend nor pg_stat_io")
	}
	x.TotalWritten = d.BuffersCheckpoint + d.BuffersClean
	if x.BackendWrites != nil {
		x.TotalWritten += *x.BackendWrites
	}
	if x.TotalWritten > 0 {
		t := float64(x.TotalWritten)
		x.CheckpointerPercent = ptr(100 * float64(d.BuffersCheckpoint) / t)
		x.BgwriterPercent = ptr(100 * float64(d.BuffersClean) / t)
		if x.BackendWrites != nil {
			x.BackendPercent = ptr(100 * float64(*x.BackendWrites) / t)
		}
	}
	if s := d.SecondsSinceReset; s != nil && *s > 0 {
		x.CheckpointsPerHour = ptr(float64(total) / (*s / 3600))
		if total > 0 {
			x.SecondsBetween = ptr(*s / float64(total))
		}
		x.WrittenPerSecond = ptr(float64(d.BuffersCheckpoint+d.BuffersClean) / *s)
	} else {
		x.Unknown = append(x.Unknown, "rates (checkpoints per hour, buffers per second): the time of the last statistics reset is unknown")
	}
	if d.WALBytes != nil && d.WALSecondsSinceReset != nil && *d.WALSecondsSinceReset > 0 {
		rate := *d.WALBytes / *d.WALSecondsSinceReset
		x.WALBytesPerSecond = &rate
		if d.CheckpointTimeoutSec > 0 {
			need := rate * d.CheckpointTimeoutSec * (1 + d.CheckpointCompletionTarget)
			gib := int64(math.Max(1, math.Ceil(need/(1<<30)))) << 30
			x.SuggestedMaxWALSize = &gib
		}
	} else if d.WALBytes == nil {
		x.Unknown = append(x.Unknown, "WAL rate: pg_stat_wal needs PostgreSQL 14 or newer")
	} else {
		x.Unknown = append(x.Unknown, "WAL rate: the time of the last pg_stat_wal reset is unknown")
	}
	return x
}

func ptr[T any](v T) *T { return &v }

func analyze(d Data, cfg Config) []checks.Finding {
	x := d.Derived
	var out []checks.Finding
	total := x.Timed + x.Requested
	if total >= cfg.MinCheckpoints && x.RequestedPercent != nil && *x.RequestedPercent > cfg.RequestedPercent {
		out = append(out, checks.Finding{Code: "E002/requested-checkpoints", Severity: checks.P2,
			Conclusion: fmt.Sprintf("%d of %d %s (%.1f%%) were requested rather than started by %s. "+
				"Requested %s are mostly forced by WAL reaching %s (%s): they come sooner than planned, write more full-page images and spread their I/O less.",
				x.Requested, total, x.Kind, *x.RequestedPercent, checks.Code("checkpoint_timeout"),
				x.Kind, checks.Code("max_wal_size"), checks.Bytes(int64(d.MaxWALSizeBytes))),
			Recommendation: maxWALAdvice(d)})
	}
	if x.BackendPercent != nil && x.TotalWritten >= cfg.MinBuffersWritten && *x.BackendPercent > cfg.BackendWritesPercent {
		msg := fmt.Sprintf("Backends wrote %.1f%% of the %d buffers written since the reset (source: %s): "+
			"they had to evict dirty pages themselves instead of finding clean ones.", *x.BackendPercent, x.TotalWritten, x.BackendWritesSource)
		if d.MaxwrittenClean > 0 {
			msg += fmt.Sprintf(" The background writer stopped %d times because it reached %s.", d.MaxwrittenClean, checks.Code("bgwriter_lru_maxpages"))
		}
		out = append(out, checks.Finding{Code: "E002/backend-writes", Severity: checks.P3, Conclusion: msg,
			Recommendation: "Let the background writer do more: raise " + checks.Code("bgwriter_lru_maxpages") + " (e.g. to 400-1000) and " +
				checks.Code("bgwriter_lru_multiplier") + " (e.g. to 4), or lower " + checks.Code("bgwriter_delay") +
				". If the working set does not fit, consider a larger " + checks.Code("shared_buffers") + "." +
				" Before 16 these counts include bulk writes (COPY, VACUUM rings), which are expected."})
	}
	if x.BackendFsyncs != nil && *x.BackendFsyncs > 0 {
		out = append(out, checks.Finding{Code: "E002/backend-fsyncs", Severity: checks.P3,
			Conclusion: fmt.Sprintf("Backends had to call fsync themselves %d times (source: %s). "+
				"That happens when the checkpointer's fsync request queue is full and stalls the queries involved.", *x.BackendFsyncs, x.BackendWritesSource),
			Recommendation: "Look for checkpoints that take long to sync (" + checks.Code("log_checkpoints") + ", sync times in the log) and for slow storage; a larger " +
				checks.Code("shared_buffers") + " also enlarges the queue."})
	}
	if d.SecondsSinceReset == nil {
		out = append(out, checks.Finding{Code: "E002/rates-unknown", Severity: checks.Info,
			Conclusion:     "The time of the last statistics reset is unknown, so checkpoint and write rates are unknown; only shares can be judged.",
			Recommendation: "Nothing to change. Counters accumulate since the reset, so compare two runs for rates."})
	}
	return out
}

func maxWALAdvice(d Data) string {
	x := d.Derived
	cur := d.MaxWALSizeBytes
	logHint := " Requested checkpoints also come from manual " + checks.Code("CHECKPOINT") + ", base backups and " +
		checks.Code("CREATE DATABASE") + ": with " + checks.Code("log_checkpoints = on") + " the log says why each one started (" +
		checks.Code("wal") + " means " + checks.Code("max_wal_size") + "). The disk holding " + checks.Code("pg_wal") + " must have room for the new size."
	set := func(b int64) string {
		v := fmt.Sprintf("%dMB", b>>20)
		if b%(1<<30) == 0 {
			v = fmt.Sprintf("%dGB", b>>30)
		}
		return checks.Code(fmt.Sprintf("ALTER SYSTEM SET max_wal_size = '%s'; SELECT pg_catalog.pg_reload_conf();", v))
	}
	if x.SuggestedMaxWALSize != nil && *x.SuggestedMaxWALSize > cur {
		return fmt.Sprintf("At the average WAL rate since the reset (%s/s), one %s of WAL (with %s = %.2f) needs about %s: %s Peaks need more than the average.",
			checks.Bytes(int64(*x.WALBytesPerSecond)), checks.Code("checkpoint_timeout"), checks.Code("checkpoint_completion_target"),
			d.CheckpointCompletionTarget, checks.Bytes(int64(*x.SuggestedMaxWALSize)), set(*x.SuggestedMaxWALSize)) + logHint
	}
	if x.SuggestedMaxWALSize != nil {
		return fmt.Sprintf("The average WAL rate (%s/s) fits the current %s, so peaks (batch jobs) or manual checkpoints cause these. "+
			"If the log shows checkpoints started by %s, double it: %s",
			checks.Bytes(int64(*x.WALBytesPerSecond)), checks.Code("max_wal_size"), checks.Code("wal"), set(2*cur)) + logHint
	}
	return fmt.Sprintf("Raise %s, for example to double the current value: %s Then compare the share again after a day.", checks.Code("max_wal_size"), set(2*cur)) + logHint
}
