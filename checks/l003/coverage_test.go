package l003

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestEverySequenceCounted plants 1,200 sequence-fed int4 columns, more than any old
// limit on the sequences read: 300 of them, on the smallest tables and created last, are
// past P1, and 100 more past P2. Every one must be counted, listed or not, and no
// statement may hold more than batch_size sequence locks.
func TestEverySequenceCounted(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", `
		CREATE TABLE big0 (id serial, pad int);
		INSERT INTO big0 (pad) SELECT g FROM generate_series(1, 5000) g;
		DO $$ BEGIN
		FOR i IN 1..800 LOOP
			EXECUTE format('CREATE TABLE big%s (id serial)', i);
		END LOOP;
		FOR i IN 1..100 LOOP
			EXECUTE format('CREATE TABLE half%s (id serial)', i);
			EXECUTE format('SELECT setval(%L, 1200000000)', 'half' || i || '_id_seq');   -- 55.9%: P2
		END LOOP;
		FOR i IN 1..300 LOOP
			EXECUTE format('CREATE TABLE near%s (id serial)', i);
			EXECUTE format('SELECT setval(%L, 2000000000)', 'near' || i || '_id_seq');   -- 93.1%: P1
		END LOOP;
		END $$;
		ANALYZE big0;`)
	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusFindings)
	var d Data
	r.Decode(t, &d)
	if d.Total != 1201 || d.NotRead != 0 || d.AtP1 != 300 || d.AtP2 != 100 || len(d.Columns) != 50 || !d.Truncated {
		t.Errorf("total %d, not read %d, at P1 %d, at P2 %d, listed %d", d.Total, d.NotRead, d.AtP1, d.AtP2, len(d.Columns))
	}
	if d.Sequences != 1201 || d.Batches != 4 {
		t.Errorf("read %d sequences in %d statements, want 1201 in 4", d.Sequences, d.Batches)
	}
	counted := map[checks.Severity]int{}
	for _, f := range r.WithCode("L003/integer-capacity") {
		counted[f.Severity] += f.Weight()
	}
	if counted[checks.P1] != 300 || counted[checks.P2] != 100 {
		t.Errorf("findings count %d at P1 and %d at P2, want 300 and 100", counted[checks.P1], counted[checks.P2])
	}
	if len(r.WithCode("L003/not-read")) != 0 {
		t.Errorf("every sequence is readable: %+v", r.WithCode("L003/not-read"))
	}

	// One batch, in a transaction kept open, holds at most batch_size sequence locks (plus
	// the catalogs it reads), within the default lock table of any major.
	ctx := t.Context()
	conn, err := cl.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var oids []uint32
	if err := conn.QueryRow(ctx, "SELECT array_agg(seqrelid ORDER BY seqrelid) FROM pg_sequence").Scan(&oids); err != nil {
		t.Fatal(err)
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	rows, err := tx.Query(ctx, readQuery, oids[:New().cfg.BatchSize])
	if err != nil {
		t.Fatal(err)
	}
	rows.Close()
	var locks int
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation'").Scan(&locks); err != nil {
		t.Fatal(err)
	}
	if b := New().cfg.BatchSize; locks < b || locks > b+20 {
		t.Errorf("one batch of %d holds %d relation locks", b, locks)
	}
	t.Logf("PostgreSQL %d: one batch of %d sequences holds %d relation locks", cl.Major, New().cfg.BatchSize, locks)
}
