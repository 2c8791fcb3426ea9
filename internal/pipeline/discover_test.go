package pipeline

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/all"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestDiscover: given the primary alone, --discover finds its standby in
// pg_stat_replication, names it by its application_name and checks it; a standby that
// does not answer where it is expected is listed as unreachable, and the run goes on.
// Every node here is on 127.0.0.1, so the port is given (in production standbys listen on
// their own hosts, at the primary's port by default).
func TestDiscover(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{})
	sb := pgtest.StandbyForTest(t, cl, nil)
	if err := waitStreaming(ctx, cl, 1); err != nil {
		t.Fatal(err)
	}
	var list []checks.Check
	for _, c := range all.Checks() {
		if c.Meta().ID == "A002" {
			list = append(list, c)
		}
	}
	run := func(port int) []string {
		rep, err := Run(ctx, Config{
			Project: "p", Targets: []Target{target(t, "primary", cl.ConnString("postgres"))},
			Session: limits, Checks: list, Sanitizer: sanitizer(t),
			Discover: Discover{Enabled: true, Port: port},
		})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		reached := 0
		for _, n := range rep.Nodes {
			out = append(out, n.Name+"|"+n.Role+"|"+n.DiscoveredFrom+"|"+n.Error)
			if n.Error == "" {
				reached++
			}
		}
		if len(rep.Checks[0].Results) != reached {
			t.Errorf("A002 ran on %d nodes, %d reached", len(rep.Checks[0].Results), reached)
		}
		return out
	}
	got := run(sb.Port)
	if len(got) != 2 || got[1] != "standby1|standby|primary|" {
		t.Errorf("discovered %q", got)
	}
	port, _ := strconv.Atoi(strings.Split(closedPort(t), ":")[1])
	got = run(port)
	if len(got) != 2 || !strings.HasPrefix(got[1], "standby1||primary|") || strings.HasSuffix(got[1], "|") {
		t.Errorf("unreachable standby %q", got)
	}
}

// waitStreaming waits until the primary lists n streaming standbys.
func waitStreaming(ctx context.Context, cl *pgtest.Cluster, n int) error {
	conn, err := cl.Connect(ctx, "postgres")
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `DO $$ BEGIN
  FOR i IN 1..300 LOOP
    EXIT WHEN (SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming') >= `+strconv.Itoa(n)+`;
    PERFORM pg_sleep(0.1);
  END LOOP; END $$`)
	return err
}
