package c005

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

const tables = "CREATE TABLE a (i int PRIMARY KEY); CREATE TABLE b (i int)"

// TestPublisherAndSubscriber: a FOR ALL TABLES publication with a table that has no
// primary key, and a second cluster subscribing to it. Both ends are checked as a role
// without privileges.
func TestPublisherAndSubscriber(t *testing.T) {
	pgtest.MultiServer(t)
	ctx := context.Background()
	pub := pgtest.ForTest(t, pgtest.Logical(pgtest.Options{}))
	pub.MustExec(t, "postgres", "CREATE ROLE plain LOGIN; "+tables+"; INSERT INTO a VALUES (1); INSERT INTO b VALUES (1); CREATE PUBLICATION allpub FOR ALL TABLES")
	sub := pgtest.SubscriberForTest(t, pub, pgtest.Subscription{Name: "sub1", DB: "app", Publication: "allpub", Setup: tables})
	sub.MustExec(t, "postgres", "CREATE ROLE plain LOGIN")

	// The publisher: the publication, the subscriber's slot and the P1.
	r := checktest.Run(t, pub, New(), checktest.Options{Role: "plain"})
	var d Data
	r.Decode(t, &d)
	if len(d.Publications) != 1 || d.Publications[0].Name != "allpub" || !d.Publications[0].AllTables || d.Publications[0].Tables != 2 ||
		d.WALLevel != "logical" {
		t.Errorf("publications %+v", d.Publications)
	}
	if len(d.Slots) != 1 || d.Slots[0].Name != "sub1" || d.Slots[0].Plugin != "pgoutput" || !d.Slots[0].Active || d.Slots[0].ConfirmedBytes == nil ||
		(pub.Major >= 13) != (d.Slots[0].WALStatus != nil) {
		t.Errorf("slots %+v", d.Slots)
	}
	if len(d.Subs) != 0 {
		t.Errorf("subscriptions on the publisher %+v", d.Subs)
	}
	f := r.WithCode("C005/no-replica-identity")
	if len(f) != 1 || f[0].Severity != checks.P1 || !slices.Equal(f[0].Objects, []checks.Name{"public.b"}) || len(r.Findings) != 1 {
		t.Fatalf("publisher findings %+v", r.Findings)
	}
	// The finding is real: the publisher refuses the UPDATE.
	if err := pub.Exec(ctx, "postgres", "UPDATE b SET i = 2"); err == nil || !strings.Contains(err.Error(), "replica identity") {
		t.Errorf("UPDATE on b: %v", err)
	}
	md := r.Markdown(t, "C005")
	if !strings.Contains(md, "`allpub`") || !strings.Contains(md, "`sub1`") || !strings.Contains(md, "`public`.`b`") {
		t.Errorf("markdown:\n%s", md)
	}

	// The subscriber: the subscription and its state.
	sr := checktest.Run(t, sub, New(), checktest.Options{Role: "plain", DB: "app"})
	sr.MustStatus(t, checks.StatusOK)
	sr.Decode(t, &d)
	if len(d.Subs) != 1 {
		t.Fatalf("subscriptions %+v", d.Subs)
	}
	s := d.Subs[0]
	if s.Name != "sub1" || !s.Enabled || !s.Known || s.ApplyPID == nil || s.Tables != 2 || s.Syncing != 0 || s.Slot == nil || *s.Slot != "sub1" ||
		s.Publications != "allpub" || (sub.Major >= 15) != (s.ApplyErrors != nil) {
		t.Errorf("subscription %+v", s)
	}
	// From another database it is counted, not listed.
	other := checktest.Run(t, sub, New(), checktest.Options{Role: "plain"})
	other.Decode(t, &d)
	if len(d.Subs) != 0 || d.OtherSubscriptions != 1 {
		t.Errorf("other database: %+v", d)
	}

	if sub.Major >= 15 {
		// A row the subscriber already has: applying the publisher's insert fails.
		sub.MustExec(t, "app", "INSERT INTO a VALUES (5)")
		pub.MustExec(t, "postgres", "INSERT INTO a VALUES (5)")
		conn, err := sub.Connect(ctx, "app")
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		waitFor(t, conn, "SELECT apply_error_count > 0 FROM pg_stat_subscription_stats WHERE subname = 'sub1'")
		sr = checktest.Run(t, sub, New(), checktest.Options{Role: "plain", DB: "app"})
		if f := sr.WithCode("C005/subscription-errors"); len(f) != 1 || f[0].Severity != checks.P2 || !strings.Contains(f[0].Conclusion, "apply error") {
			t.Errorf("errors: %+v", sr.Findings)
		}
		if f := sr.WithCode("C005/subscription-conflicts"); (sub.Major >= 18) != (len(f) == 1) {
			t.Errorf("conflicts: %+v", sr.Findings)
		}
	}

	sub.MustExec(t, "app", "ALTER SUBSCRIPTION sub1 DISABLE")
	sr = checktest.Run(t, sub, New(), checktest.Options{Role: "plain", DB: "app"})
	if f := sr.WithCode("C005/subscription-disabled"); len(f) != 1 || f[0].Severity != checks.P2 || !slices.Equal(f[0].Objects, []checks.Name{"sub1"}) {
		t.Errorf("disabled: %+v", sr.Findings)
	}

	// With a replica identity the publisher is clean.
	pub.MustExec(t, "postgres", "ALTER TABLE b REPLICA IDENTITY FULL")
	if r := checktest.Run(t, pub, New(), checktest.Options{Role: "plain"}); len(r.Findings) != 0 {
		t.Errorf("after REPLICA IDENTITY FULL: %+v", r.Findings)
	}
}

func waitFor(t *testing.T, conn *pgx.Conn, q string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var ok *bool
		err := conn.QueryRow(context.Background(), q).Scan(&ok)
		if err == nil && ok != nil && *ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("never true: %s (%v)", q, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
