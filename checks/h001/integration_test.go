package h001

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

const xss = "<script>alert(1)</script>"

func TestOnRealServer(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `CREATE ROLE mon LOGIN; GRANT pg_monitor TO mon; CREATE ROLE plain LOGIN`)
	cl.MustExec(t, "postgres", `CREATE DATABASE clean`)
	cl.MustExec(t, "clean", `CREATE TABLE t (a int UNIQUE, b int); CREATE INDEX t_b ON t (b)`)
	cl.MustExec(t, "postgres", `
		CREATE TABLE dup (v int); INSERT INTO dup SELECT g % 100 FROM generate_series(1, 1000) g;
		CREATE TABLE "`+xss+`" (v int); INSERT INTO "`+xss+`" VALUES (1), (1);
		CREATE TABLE p (a int) PARTITION BY RANGE (a);
		CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (0) TO (10);
		CREATE INDEX p_a_idx ON ONLY p (a);
		CREATE TABLE b (v int); INSERT INTO b VALUES (1); CREATE INDEX b_v ON b (v)`)
	// Concurrent builds that fail leave invalid indexes; they cannot run in a transaction.
	mustFail(t, cl, `CREATE UNIQUE INDEX CONCURRENTLY dup_v_uniq ON dup (v)`)
	mustFail(t, cl, `CREATE INDEX CONCURRENTLY dup_expr ON dup ((1 / (v - 3)))`)
	mustFail(t, cl, `CREATE UNIQUE INDEX CONCURRENTLY "we|ird`+"`"+`idx" ON "`+xss+`" (v)`)
	// Separate statements: the deleted rows must be dead, not in progress, for the build.
	cl.MustExec(t, "postgres", `DELETE FROM dup WHERE v = 3`)
	cl.MustExec(t, "postgres", `VACUUM dup`)
	cl.MustExec(t, "postgres", `CREATE INDEX dup_expr_ok ON dup ((1 / (v - 3)))`)

	for _, role := range []string{"postgres", "mon", "plain"} {
		t.Run(role, func(t *testing.T) {
			r := checktest.Run(t, cl, New(), checktest.Options{Role: role})
			r.MustStatus(t, checks.StatusFindings)
			var d Data
			r.Decode(t, &d)
			got := map[checks.Name]Index{}
			for _, ix := range d.Indexes {
				got[ix.Name] = ix
			}
			if len(got) != 4 || d.Total != 4 || d.BuildsVisible != (role != "plain") {
				t.Fatalf("indexes %+v", d)
			}
			if u := got["dup_v_uniq"]; !u.Unique || u.Ready || u.ValidDuplicate != "" || !strings.Contains(string(u.Definition), "UNIQUE") {
				t.Errorf("dup_v_uniq: %+v", u)
			}
			if e := got["dup_expr"]; e.ValidDuplicate != "dup_expr_ok" {
				t.Errorf("dup_expr should have the valid duplicate dup_expr_ok: %+v", e)
			}
			if p := got["p_a_idx"]; !p.Partitioned {
				t.Errorf("p_a_idx: %+v", p)
			}
			if w := got["we|ird`idx"]; w.Table != xss || w.Ident != `public."we|ird`+"`"+`idx"` {
				t.Errorf("odd names: %+v", w)
			}
			if n := len(r.WithCode("H001/invalid-index")); n != 3 {
				t.Errorf("%d invalid-index findings, want 3: %+v", n, r.Findings)
			}
			if f := r.WithCode("H001/partitioned-index-incomplete"); len(f) != 1 || f[0].Severity != checks.P3 {
				t.Errorf("partitioned: %+v", f)
			}
			for _, f := range r.WithCode("H001/invalid-index") {
				if strings.Contains(f.Conclusion, "dup_expr`") && !strings.Contains(f.Recommendation, "DROP INDEX CONCURRENTLY public.dup_expr;") {
					t.Errorf("dup_expr should be dropped: %s", f.Recommendation)
				}
			}
			md := render(t, r)
			t.Log(md)
			if strings.Contains(md, "<script>") || !strings.Contains(md, "we\\|ird\\`idx") {
				t.Errorf("unsafe or missing name in:\n%s", md)
			}
			checkTable(t, md)
		})
	}

	t.Run("clean", func(t *testing.T) {
		r := checktest.Run(t, cl, New(), checktest.Options{DB: "clean", Role: "mon"})
		r.MustStatus(t, checks.StatusOK)
		if len(r.Findings) != 0 {
			t.Fatalf("findings on a clean database: %+v", r.Findings)
		}
	})

	t.Run("locked", func(t *testing.T) {
		// pg_get_indexdef locks the table: with the table locked the check must not wait.
		holder, err := cl.Connect(ctx, "postgres")
		if err != nil {
			t.Fatal(err)
		}
		defer holder.Close(ctx)
		if _, err := holder.Exec(ctx, "BEGIN; LOCK TABLE dup IN ACCESS EXCLUSIVE MODE"); err != nil {
			t.Fatal(err)
		}
		defer holder.Exec(ctx, "ROLLBACK")
		r := checktest.Run(t, cl, New(), checktest.Options{Role: "mon"})
		r.MustStatus(t, checks.StatusFindings)
		var d Data
		r.Decode(t, &d)
		for _, ix := range d.Indexes {
			if ix.Table == "dup" && (!ix.TableLocked || ix.Definition != "") {
				t.Errorf("%s read while its table was locked: %+v", ix.Name, ix)
			}
		}
		checkTable(t, render(t, r))
	})

	// A build in progress is invalid until it finishes and must not be reported. Each
	// concurrent command waits for the open insert; the two cannot run at once.
	for _, cmd := range []struct{ sql, index string }{
		{`CREATE INDEX CONCURRENTLY b_building ON b (v)`, "b_building"}, // seen in pg_stat_progress_create_index
		{`REINDEX INDEX CONCURRENTLY b_v`, "b_v_ccnew"},                 // seen by its session lock
	} {
		t.Run(cmd.index, func(t *testing.T) {
			holder, err := cl.Connect(ctx, "postgres")
			if err != nil {
				t.Fatal(err)
			}
			defer holder.Close(ctx)
			if _, err := holder.Exec(ctx, "BEGIN; INSERT INTO b VALUES (2)"); err != nil {
				t.Fatal(err)
			}
			builder, err := cl.Connect(ctx, "postgres")
			if err != nil {
				t.Fatal(err)
			}
			defer builder.Close(ctx)
			done := make(chan error, 1)
			go func() { _, err := builder.Exec(ctx, cmd.sql); done <- err }()
			waitFor(t, cl, `SELECT count(*) = 1 FROM pg_class WHERE relname = '`+cmd.index+`'`)
			for _, role := range []string{"postgres", "mon", "plain"} {
				r := checktest.Run(t, cl, New(), checktest.Options{Role: role})
				var d Data
				r.Decode(t, &d)
				checkTable(t, render(t, r))
				if role == "plain" && cmd.index == "b_building" {
					// Without pg_read_all_stats the progress row is anonymous and the build
					// holds no lock on its index while it waits: it is listed, with a caveat.
					seen := false
					for _, f := range r.WithCode("H001/invalid-index") {
						if strings.Contains(f.Conclusion, "b_building") {
							seen = strings.Contains(f.Conclusion, "cannot see other sessions")
						}
					}
					if !seen {
						t.Errorf("plain: b_building not listed with the caveat: %+v", r.Findings)
					}
					continue
				}
				if len(d.InProgress) != 1 || d.InProgress[0].Name != checks.Name(cmd.index) {
					t.Errorf("%s: in progress %+v", role, d.InProgress)
				}
				for _, ix := range d.Indexes {
					if ix.Name == checks.Name(cmd.index) {
						t.Errorf("%s: %s reported as invalid while being built", role, cmd.index)
					}
				}
			}
			if _, err := holder.Exec(ctx, "ROLLBACK"); err != nil {
				t.Fatal(err)
			}
			if err := <-done; err != nil {
				t.Fatalf("%s: %v", cmd.sql, err)
			}
		})
	}
}

// An interrupted REINDEX TABLE CONCURRENTLY leaves ..._ccnew indexes, on the TOAST table too,
// which REINDEX refuses to rebuild.
func TestInterruptedReindex(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `CREATE ROLE mon LOGIN; GRANT pg_monitor TO mon; CREATE TABLE tt (id int PRIMARY KEY, doc text)`)
	holder, err := cl.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(ctx)
	if _, err := holder.Exec(ctx, "BEGIN; INSERT INTO tt VALUES (1, 'x')"); err != nil {
		t.Fatal(err)
	}
	conn, err := cl.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SET statement_timeout = '1s'"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, "REINDEX TABLE CONCURRENTLY tt"); err == nil {
		t.Fatal("REINDEX was not interrupted")
	}
	if _, err := holder.Exec(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	r := checktest.Run(t, cl, New(), checktest.Options{Role: "mon"})
	var d Data
	r.Decode(t, &d)
	var toast, pkey bool
	for _, ix := range d.Indexes {
		switch {
		case ix.Name == "tt_pkey_ccnew":
			pkey = ix.ValidDuplicate == "tt_pkey"
		case ix.Schema == "pg_toast" && strings.HasSuffix(string(ix.Name), "_ccnew"):
			toast = ix.ValidDuplicate != ""
		}
	}
	if !toast || !pkey {
		t.Fatalf("leftovers not found with their valid duplicates: %+v", d.Indexes)
	}
	for _, f := range r.WithCode("H001/invalid-index") {
		if !strings.Contains(f.Recommendation, "DROP INDEX CONCURRENTLY") || strings.Contains(f.Recommendation, "REINDEX") {
			t.Errorf("%s: %s", f.Conclusion, f.Recommendation)
		}
	}
}

func mustFail(t *testing.T, cl *pgtest.Cluster, sql string) {
	t.Helper()
	conn, err := cl.Connect(context.Background(), "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), sql); err == nil {
		t.Fatalf("%s succeeded; the fixture needs it to fail", sql)
	}
}

func waitFor(t *testing.T, cl *pgtest.Cluster, cond string) {
	t.Helper()
	conn, err := cl.Connect(context.Background(), "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var ok bool
		if err := conn.QueryRow(context.Background(), cond).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		if ok {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", cond)
}

// render executes the check's template on the data alone, the way the report does.
func render(t *testing.T, r checktest.Result) string { return checktest.Template(t, "H001", r.Data) }

// checkTable fails unless every table row has as many cell borders as the header.
func checkTable(t *testing.T, md string) {
	t.Helper()
	want := -1
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			want = -1
			continue
		}
		n := strings.Count(line, "|") - strings.Count(line, `\|`)
		if want < 0 {
			want = n
		} else if n != want {
			t.Errorf("row has %d borders, header %d: %s", n, want, line)
		}
	}
}
