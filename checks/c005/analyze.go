package c005

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	if len(d.Publications) > 0 && !d.InRecovery && d.WALLevel != "" && d.WALLevel != "logical" {
		var names []checks.Name
		for _, p := range d.Publications {
			names = append(names, p.Name)
		}
		out = append(out, checks.Finding{Code: "C005/wal-level-not-logical", Severity: checks.P2, Objects: names,
			Conclusion: fmt.Sprintf("This database has %d publication(s) but %s is %s: nothing can subscribe to them (creating the subscription's slot fails).",
				len(d.Publications), checks.Code("wal_level"), checks.Code(string(d.WALLevel))),
			Recommendation: "If the publications are meant to be used, set " + checks.Code("ALTER SYSTEM SET wal_level = logical;") +
				" and restart; otherwise drop them."})
	}
	for _, r := range d.NoIdentity {
		out = append(out, noIdentity(r))
	}
	if f := checks.Unlisted("C005/no-replica-identity", checks.P1, d.NoIdentityN-len(d.NoIdentity), d.NoIdentityN,
		"published tables without a replica identity", fmt.Sprintf("the first %d", len(d.NoIdentity))); f != nil {
		out = append(out, *f)
	}
	for _, s := range d.Subs {
		out = append(out, subscription(d, s)...)
	}
	return out
}

func noIdentity(r NoIdentity) checks.Finding {
	table := checks.QuoteIdent(string(r.Schema)) + "." + checks.QuoteIdent(string(r.Table))
	var ops []string
	if r.Update {
		ops = append(ops, "UPDATE")
	}
	if r.Delete {
		ops = append(ops, "DELETE")
	}
	var pubs []string
	for _, p := range r.Publications {
		pubs = append(pubs, checks.Code(string(p)))
	}
	why := "has no primary key and the default replica identity"
	switch r.ReplIdent {
	case "n":
		why = "has " + checks.Code("REPLICA IDENTITY NOTHING")
	case "i":
		why = "has a replica identity index that no longer exists"
	}
	return checks.Finding{Code: "C005/no-replica-identity", Severity: checks.P1, Objects: []checks.Name{r.Schema + "." + r.Table},
		Conclusion: fmt.Sprintf("Table %s is published for %s by %s but %s: every %s on it fails on this server with \"cannot %s table ... because it does not have a replica identity and publishes %ss\".",
			checks.Code(table), strings.Join(ops, " and "), strings.Join(pubs, ", "), why, strings.Join(ops, " or "),
			strings.ToLower(ops[0]), strings.ToLower(ops[0])),
		Recommendation: "Give it a primary key (" + checks.Code("ALTER TABLE "+table+" ADD PRIMARY KEY (...);") + "), or name a unique index on NOT NULL columns (" +
			checks.Code("ALTER TABLE "+table+" REPLICA IDENTITY USING INDEX ...;") + "); as a last resort " +
			checks.Code("ALTER TABLE "+table+" REPLICA IDENTITY FULL;") + " (every change then logs the whole old row, and the subscriber searches for it)." +
			" Or leave it out of the publication if its changes need not be replicated."}
}

func subscription(d Data, s Subscription) []checks.Finding {
	name := checks.Code(string(s.Name))
	obj := []checks.Name{s.Name}
	var out []checks.Finding
	// On a standby the subscriptions are the primary's catalog rows: no worker runs
	// here, and the primary's result judges them.
	if d.InRecovery {
		return nil
	}
	switch {
	case !s.Enabled:
		slot := "Its slot on the publisher"
		if s.Slot != nil {
			slot = "Its slot " + checks.Code(string(*s.Slot)) + " on the publisher"
		}
		out = append(out, checks.Finding{Code: "C005/subscription-disabled", Severity: checks.P2, Objects: obj,
			Conclusion: fmt.Sprintf("Subscription %s is disabled: nothing from publication(s) %s is applied here. %s keeps all WAL since (C007 on the publisher).",
				name, checks.Esc(string(s.Publications)), slot),
			Recommendation: "Enable it (" + checks.Code("ALTER SUBSCRIPTION "+checks.QuoteIdent(string(s.Name))+" ENABLE;") +
				") after fixing what disabled it (the log; " + checks.Code("disable_on_error") + " disables it on an apply error), or drop it if it is no longer wanted."})
	case !s.Known:
		out = append(out, checks.Finding{Code: "C005/subscription-state-unknown", Severity: checks.Info, Objects: obj,
			Conclusion:     fmt.Sprintf("Whether subscription %s's worker runs is unknown, because another database has a subscription of the same name and before PostgreSQL 14 a role without privileges cannot tell them apart.", name),
			Recommendation: "Look at " + checks.Code("pg_stat_subscription") + " by hand, or give the subscriptions names unique in the cluster."})
	case s.ApplyPID == nil:
		out = append(out, checks.Finding{Code: "C005/subscription-worker-not-running", Severity: checks.P2, Objects: obj,
			Conclusion: fmt.Sprintf("Subscription %s is enabled but no apply worker runs for it: changes are not applied. It may be restarting after an error (it retries every %s).",
				name, checks.Code("wal_retrieve_retry_interval")),
			Recommendation: "Read the subscriber's log for the apply worker's error (a conflict such as a duplicate key, a missing table or column, the publisher unreachable); check that " +
				checks.Code("max_logical_replication_workers") + " and " + checks.Code("max_worker_processes") + " leave room for it."})
	}
	var errs []string
	if s.ApplyErrors != nil && *s.ApplyErrors > 0 {
		errs = append(errs, fmt.Sprintf("%s apply error(s)", checks.Thousands(*s.ApplyErrors)))
	}
	if s.SyncErrors != nil && *s.SyncErrors > 0 {
		errs = append(errs, fmt.Sprintf("%s table synchronization error(s)", checks.Thousands(*s.SyncErrors)))
	}
	if len(errs) > 0 {
		out = append(out, checks.Finding{Code: "C005/subscription-errors", Severity: checks.P2, Objects: obj,
			Conclusion: fmt.Sprintf("Subscription %s had %s%s. Each error stops the worker; it restarts and fails again until the cause is fixed.",
				name, strings.Join(errs, " and "), since(s)),
			Recommendation: "Read the subscriber's log for the error and fix the cause (a row that conflicts with local data, a missing table or column, permissions); then reset the counters: " +
				checks.Code("SELECT pg_catalog.pg_stat_reset_subscription_stats(NULL);")})
	}
	if s.Conflicts != nil && *s.Conflicts > 0 {
		out = append(out, checks.Finding{Code: "C005/subscription-conflicts", Severity: checks.P3, Objects: obj,
			Conclusion: fmt.Sprintf("Subscription %s met %s conflict(s) between replicated changes and local data%s (rows missing, already there or changed locally): the copies may have drifted apart.",
				name, checks.Thousands(*s.Conflicts), since(s)),
			Recommendation: "See " + checks.Code("pg_stat_subscription_stats") + " for the kinds and the log for the rows; look for local writes to the subscribed tables."})
	}
	return out
}

func since(s Subscription) string {
	if s.ResetAgeSec == nil {
		return " since its statistics began"
	}
	return " since its statistics were reset " + checks.Duration(*s.ResetAgeSec) + " ago"
}
