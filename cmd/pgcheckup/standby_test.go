package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestPrimaryAndStandby checks a primary and its streaming standby in one run: the
// report shows one node as primary and one as standby, and the primary's replication
// data shows the standby streaming. The matrix runs it on every major.
func TestPrimaryAndStandby(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE TABLE r (id int PRIMARY KEY); INSERT INTO r SELECT generate_series(1, 1000)")
	sb := pgtest.StandbyForTest(t, cl, nil)
	waitStreaming(t, cl)
	out := t.TempDir()
	code, stdout, stderr := runCLI(t, "run", "-q", "--out", out, "-U", pgtest.Superuser, "-d", "postgres",
		"-h", fmt.Sprintf("127.0.0.1:%d", cl.Port), "-h", fmt.Sprintf("127.0.0.1:%d", sb.Port), "sslmode=disable")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	r := readReport(t, strings.TrimSpace(stdout))
	if len(r.Nodes) != 2 || r.Nodes[0].Role != "primary" || r.Nodes[1].Role != "standby" || !r.Nodes[1].InRecovery {
		t.Fatalf("nodes: %+v", r.Nodes)
	}
	for _, c := range r.Checks {
		if len(c.Results) != 2 {
			t.Errorf("%s has %d results, want one per node", c.ID, len(c.Results))
		}
		for _, res := range c.Results {
			if res.Status == checks.StatusError {
				t.Errorf("%s on %s: %s", c.ID, res.Node, res.Reason)
			}
		}
		if c.ID != "C002" {
			continue
		}
		// The primary sees its standby in pg_stat_replication.
		primary := c.Results[0]
		if primary.Status == checks.StatusSkipped || !strings.Contains(string(primary.Data), `"streaming"`) {
			t.Errorf("C002 on the primary does not show a streaming standby: %s %s", primary.Status, primary.Data)
		}
		// The standby reports its own side: a WAL receiver that is streaming.
		var standby map[string]any
		if err := json.Unmarshal(c.Results[1].Data, &standby); err != nil || !strings.Contains(string(c.Results[1].Data), "streaming") {
			t.Errorf("C002 on the standby: %v %s", err, c.Results[1].Data)
		}
	}
}

// waitStreaming waits until the primary sees a streaming standby (usually within 0.1 s).
func waitStreaming(t *testing.T, cl *pgtest.Cluster) {
	t.Helper()
	conn, err := cl.Connect(t.Context(), "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(t.Context())
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var n int
		if err := conn.QueryRow(t.Context(), "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'").Scan(&n); err == nil && n > 0 {
			return
		}
	}
	t.Fatal("the standby never started streaming")
}
