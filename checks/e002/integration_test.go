package e002

import (
	"context"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})

	clean := checktest.Run(t, cl, New(), checktest.Options{})
	clean.MustStatus(t, checks.StatusOK)
	var d Data
	clean.Decode(t, &d)
	if want := cl.Major >= 16; d.HasIO != want {
		t.Errorf("has_io = %v on %d", d.HasIO, cl.Major)
	}
	if d.StatsReset == nil || d.Derived.CheckpointsPerHour == nil {
		t.Errorf("a fresh cluster has a reset time: %+v", d)
	}
	if d.MaxWALSizeBytes != 1<<30 || d.CheckpointTimeoutSec != 300 {
		t.Errorf("settings: max_wal_size %d, checkpoint_timeout %v", d.MaxWALSizeBytes, d.CheckpointTimeoutSec)
	}

	// Manual checkpoints count as requested ones.
	for range 12 {
		cl.MustExec(t, "postgres", "CHECKPOINT")
	}
	waitRequested(t, cl, 12)
	r := checktest.Run(t, cl, New(), checktest.Options{})
	f := r.WithCode("E002/requested-checkpoints")
	if len(f) != 1 || f[0].Severity != checks.P2 {
		t.Fatalf("findings %+v", r.Findings)
	}
	r.Decode(t, &d)
	if d.Derived.Requested < 12 || *d.Derived.RequestedPercent <= 20 {
		t.Fatalf("derived %+v", d.Derived)
	}

	s := pgtest.StandbyForTest(t, cl, nil)
	sr := checktest.Run(t, s, New(), checktest.Options{})
	if sr.Status == checks.StatusError || sr.Status == checks.StatusSkipped {
		t.Fatalf("standby: %s %s", sr.Status, sr.Reason)
	}
	sr.Decode(t, &d)
	if !d.InRecovery || (cl.Major >= 17) != (d.Derived.Kind == "restartpoints") {
		t.Fatalf("standby data %+v", d)
	}
}

// waitRequested waits until the statistics show n requested checkpoints: before 15 they
// travel to the statistics collector asynchronously.
func waitRequested(t *testing.T, cl *pgtest.Cluster, n int64) {
	t.Helper()
	ctx := context.Background()
	conn, err := cl.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	q := "SELECT checkpoints_req FROM pg_stat_bgwriter"
	if cl.Major >= 17 {
		q = "SELECT num_requested FROM pg_stat_checkpointer"
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		var got int64
		if err := conn.QueryRow(ctx, q).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d requested checkpoints visible", got)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
