package pgtest

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Logical returns opts with wal_level = logical, which a publisher needs (a restart-only
// setting, so it has to be there when the cluster starts).
func Logical(opts Options) Options {
	s := maps.Clone(opts.Settings)
	if s == nil {
		s = map[string]string{}
	}
	s["wal_level"] = "logical"
	opts.Settings = s
	return opts
}

// Subscription describes a logical subscriber: database DB of the subscriber subscribes,
// as Name, to Publication in database PubDB of the publisher.
type Subscription struct {
	Name        string // default "sub1"
	DB          string // subscriber database, created when not "postgres"; default "postgres"
	PubDB       string // publisher database; default "postgres"
	Publication string // must exist on the publisher
	// Setup runs on the subscriber's DB before subscribing: the tables must exist on both
	// sides (logical replication does not copy the schema).
	Setup string
	// Settings go into the subscriber's postgresql.conf.
	Settings map[string]string
}

// Subscribe creates the subscription in s (the subscriber) to the publication on pub,
// over TCP as the superuser, and waits until the initial copy of every table is done.
// pub must run with wal_level = logical (see Logical).
func (s *Cluster) Subscribe(ctx context.Context, pub *Cluster, sub Subscription) error {
	sub = sub.withDefaults()
	if sub.DB != "postgres" {
		if err := s.Exec(ctx, "postgres", "CREATE DATABASE "+pgx.Identifier{sub.DB}.Sanitize()); err != nil {
			return err
		}
	}
	if strings.TrimSpace(sub.Setup) != "" {
		if err := s.Exec(ctx, sub.DB, sub.Setup); err != nil {
			return err
		}
	}
	// CREATE SUBSCRIPTION may not run in a transaction block, so alone in its statement.
	create := fmt.Sprintf("CREATE SUBSCRIPTION %s CONNECTION 'host=127.0.0.1 port=%d user=%s dbname=%s' PUBLICATION %s",
		pgx.Identifier{sub.Name}.Sanitize(), pub.Port, Superuser, sub.PubDB, pgx.Identifier{sub.Publication}.Sanitize())
	if err := s.Exec(ctx, sub.DB, create); err != nil {
		return err
	}
	return s.WaitSubscriptionReady(ctx, sub.DB, sub.Name)
}

// WaitSubscriptionReady waits until every table of subscription name in db has finished
// its initial copy (state ready or syncdone) and an apply worker runs.
func (s *Cluster) WaitSubscriptionReady(ctx context.Context, db, name string) error {
	conn, err := s.Connect(ctx, db)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	const q = `SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_subscription_rel r
	                JOIN pg_catalog.pg_subscription s ON s.oid = r.srsubid
	                WHERE s.subname = $1 AND r.srsubstate NOT IN ('r', 's'))
	       AND EXISTS (SELECT 1 FROM pg_catalog.pg_stat_subscription w
	                WHERE w.subname = $1 AND w.pid IS NOT NULL AND w.relid IS NULL)`
	deadline := time.Now().Add(60 * time.Second)
	for {
		var ok bool
		err := conn.QueryRow(ctx, q, name).Scan(&ok)
		if err == nil && ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("subscription %s in %s not ready after 60s (%v); see %s", name, db, err, s.LogFile())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (sub Subscription) withDefaults() Subscription {
	if sub.Name == "" {
		sub.Name = "sub1"
	}
	if sub.DB == "" {
		sub.DB = "postgres"
	}
	if sub.PubDB == "" {
		sub.PubDB = "postgres"
	}
	return sub
}

// SubscriberForTest starts a second cluster of pub's major for t and subscribes it to a
// publication on pub (see Subscription). The subscriber is destroyed when t ends.
func SubscriberForTest(t testing.TB, pub *Cluster, sub Subscription) *Cluster {
	t.Helper()
	ctx := context.Background()
	s := ForTest(t, Options{Major: pub.Major, Settings: sub.Settings})
	if err := s.Subscribe(ctx, pub, sub); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	// Dropping the subscription first lets the publisher's WAL sender end cleanly before
	// either server stops.
	t.Cleanup(func() {
		sub := sub.withDefaults()
		name := pgx.Identifier{sub.Name}.Sanitize()
		s.Exec(ctx, sub.DB, "ALTER SUBSCRIPTION "+name+" DISABLE")
		s.Exec(ctx, sub.DB, "ALTER SUBSCRIPTION "+name+" SET (slot_name = NONE)")
		s.Exec(ctx, sub.DB, "DROP SUBSCRIPTION "+name)
	})
	return s
}
