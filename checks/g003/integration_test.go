package g003

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `CREATE ROLE mon LOGIN; GRANT pg_monitor TO mon; CREATE ROLE app LOGIN;
		CREATE TABLE d (id int PRIMARY KEY, v int); INSERT INTO d VALUES (1, 0), (2, 0)`)

	// Harness defaults: no timeout anywhere. A superuser sees the configuration files.
	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusFindings)
	if f := r.WithCode("G003/no-idle-in-transaction-timeout"); len(f) != 1 || f[0].Severity != checks.P2 ||
		len(r.WithCode("G003/no-statement-timeout")) != 1 || len(r.Findings) != 2 {
		t.Fatalf("defaults: %+v", r.Findings)
	}
	var d Data
	r.Decode(t, &d)
	want := 3 // statement_timeout, lock_timeout, idle_in_transaction_session_timeout
	if cl.Major >= 14 {
		want++ // idle_session_timeout
	}
	if cl.Major >= 17 {
		want++ // transaction_timeout
	}
	if !d.FileSettingsReadable || len(d.Globals) != want || len(d.Overrides) != 0 || len(d.Deadlocks) != 0 {
		t.Fatalf("defaults on %d: %+v", cl.Major, d)
	}
	for _, g := range d.Globals {
		if g.Name == "statement_timeout" && (g.Origin != FromDefault || g.Seconds != nil) {
			t.Fatalf("statement_timeout: %+v", g)
		}
	}
	// pg_monitor cannot see past pgcheckup's own statement_timeout and lock_timeout.
	r = checktest.Run(t, cl, New(), checktest.Options{Role: "mon"})
	if f := r.WithCode("G003/globals-unknown"); len(f) != 1 || !strings.Contains(f[0].Conclusion, "`statement_timeout`, `lock_timeout`") ||
		len(r.WithCode("G003/no-statement-timeout")) != 0 {
		t.Fatalf("as pg_monitor: %+v", r.Findings)
	}

	cl.MustExec(t, "postgres", `ALTER ROLE app SET statement_timeout = '30s';
		ALTER DATABASE postgres SET idle_in_transaction_session_timeout = '1min';
		ALTER ROLE app IN DATABASE postgres SET lock_timeout = '5s'`)
	deadlock(t, cl)
	deadline := time.Now().Add(15 * time.Second)
	for r = checktest.Run(t, cl, New(), checktest.Options{Role: "mon"}); len(r.WithCode("G003/deadlocks")) == 0; {
		if time.Now().After(deadline) {
			t.Fatalf("no deadlocks finding: %+v", r.Findings)
		}
		time.Sleep(200 * time.Millisecond)
		r = checktest.Run(t, cl, New(), checktest.Options{Role: "mon"})
	}
	f := r.WithCode("G003/deadlocks")[0]
	if f.Severity != checks.P3 || len(f.Objects) != 1 || f.Objects[0] != "postgres" ||
		len(r.WithCode("G003/no-statement-timeout"))+len(r.WithCode("G003/no-idle-in-transaction-timeout")) != 0 {
		t.Fatalf("planted: %+v", r.Findings)
	}
	d = Data{}
	r.Decode(t, &d)
	if d.DeadlocksTotal != 1 || d.OverridesTotal != 3 || len(d.Overrides) != 3 {
		t.Fatalf("planted: %+v", d)
	}
	byName := map[string]Override{}
	for _, o := range d.Overrides {
		byName[string(o.Name)] = o
	}
	if o := byName["lock_timeout"]; o.Database != "postgres" || o.Role != "app" || *o.Seconds != 5 {
		t.Fatalf("lock_timeout override: %+v", o)
	}
	if o := byName["idle_in_transaction_session_timeout"]; o.Database != "postgres" || o.Role != "" || *o.Seconds != 60 {
		t.Fatalf("idle override: %+v", o)
	}
	md := render(t, r)
	for _, s := range []string{"| `postgres` | `app` | `lock_timeout` | 5s |", "| *all* | `app` | `statement_timeout` | 30s |",
		"Deadlocks since the statistics reset: 1 in 1 database(s)"} {
		if !strings.Contains(md, s) {
			t.Errorf("markdown lacks %q:\n%s", s, md)
		}
	}

	// A server-wide value in postgresql.auto.conf is read from the files by a superuser.
	cl.MustExec(t, "postgres", "ALTER SYSTEM SET statement_timeout = '1h'")
	r = checktest.Run(t, cl, New(), checktest.Options{})
	if f := r.WithCode("G003/timeout-set-globally"); len(f) != 1 || !strings.Contains(f[0].Conclusion, "statement_timeout = 1h") {
		t.Fatalf("after ALTER SYSTEM: %+v", r.Findings)
	}
}

// deadlock makes two sessions wait for each other's row lock until the server aborts one.
func deadlock(t *testing.T, cl *pgtest.Cluster) {
	ctx := context.Background()
	var conns [2]*pgx.Conn
	for i := range conns {
		c, err := cl.Connect(ctx, "postgres")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		conns[i] = c
		if _, err := c.Exec(ctx, "BEGIN"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Exec(ctx, "UPDATE d SET v = v + 1 WHERE id = $1", i+1); err != nil {
			t.Fatal(err)
		}
	}
	errs := make(chan error, 2)
	for i, c := range conns {
		go func() {
			_, err := c.Exec(ctx, "UPDATE d SET v = v + 1 WHERE id = $1", 2-i)
			errs <- err
		}()
	}
	failed := 0
	for range conns {
		if err := <-errs; err != nil {
			if !strings.Contains(err.Error(), "deadlock detected") {
				t.Fatal(err)
			}
			failed++
		}
	}
	for _, c := range conns {
		if _, err := c.Exec(ctx, "ROLLBACK"); err != nil {
			t.Fatal(err)
		}
	}
	if failed != 1 {
		t.Fatalf("%d sessions aborted, want 1", failed)
	}
}
