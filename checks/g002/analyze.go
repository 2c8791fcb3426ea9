package g002

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	if d.Available > 0 {
		sev := checks.Info
		switch {
		case d.UsedPercent >= cfg.ConnectionsP1Percent:
			sev = checks.P1
		case d.UsedPercent >= cfg.ConnectionsP2Percent:
			sev = checks.P2
		}
		if sev > checks.Info {
			out = append(out, checks.Finding{Code: "G002/connections", Severity: sev,
				Conclusion: fmt.Sprintf("%d client sessions use %.0f%% of the %d connections open to ordinary roles (%s %d minus %d reserved). "+
					"When they are used up, new connections fail with \"too many clients\".",
					d.Sessions, d.UsedPercent, d.Available, checks.Code("max_connections"), d.MaxConnections, d.SuperuserReserved+d.Reserved),
				Recommendation: "Put a connection pooler (PgBouncer in transaction mode) in front of the applications with the most sessions, " +
					"and close idle sessions. Raising " + checks.Code("max_connections") + " (restart) costs memory per connection and " +
					"contention; it is the last resort."})
		}
	}
	if idle := session(d, "idle_in_transaction"); idle != nil && (d.IdleInTxShort > 0 || d.IdleInTxLong > 0) {
		// One finding at the worst severity stands for the sessions of that severity; the
		// others (past the P3 limit only) are counted apart, so the summary counts each.
		sev, n := checks.P3, int(d.IdleInTxShort)
		if d.IdleInTxLong > 0 {
			sev, n = checks.P2, int(d.IdleInTxLong)
		}
		out = append(out, checks.Finding{Code: "G002/idle-in-transaction", Severity: sev, Objects: objects(*idle), Count: n,
			Conclusion: fmt.Sprintf("%d session(s) idle in transaction longer than %s, %d longer than %s. The oldest: %s, idle in transaction for %s. "+
				"An open transaction keeps its locks and holds back vacuum in its database (see C007).",
				d.IdleInTxShort, checks.Duration(cfg.IdleInTransactionP3), d.IdleInTxLong, checks.Duration(cfg.IdleInTransactionP2),
				describe(*idle), checks.Duration(idle.AgeSec)),
			Recommendation: "Fix the application to commit or roll back promptly (a missing commit, or work done between statements). " +
				"Set a safety net: " + checks.Code("ALTER SYSTEM SET idle_in_transaction_session_timeout = '10min'; SELECT pg_catalog.pg_reload_conf();") +
				fmt.Sprintf(" (now %s). To end the oldest one now: %s.", checks.Code(string(d.IdleInTransactionTimeout)),
					checks.Code(fmt.Sprintf("SELECT pg_catalog.pg_terminate_backend(%d);", idle.PID)))})
		if sev == checks.P2 {
			if f := checks.Unlisted("G002/idle-in-transaction", checks.P3, int(d.IdleInTxShort-d.IdleInTxLong), int(d.IdleInTxShort),
				"sessions idle in transaction longer than "+checks.Duration(cfg.IdleInTransactionP3),
				"those past "+checks.Duration(cfg.IdleInTransactionP2)+" are the finding above"); f != nil {
				out = append(out, *f)
			}
		}
	}
	if tx := session(d, "transaction"); tx != nil && tx.AgeSec > cfg.LongTransactionP3 && !reported(out, d, tx) {
		sev := checks.P3
		if tx.AgeSec > cfg.LongTransactionP2 {
			sev = checks.P2
		}
		out = append(out, checks.Finding{Code: "G002/long-transaction", Severity: sev, Objects: objects(*tx),
			Conclusion: fmt.Sprintf("The oldest transaction has been open for %s: %s, now %s. While it is open, vacuum cannot remove rows "+
				"deleted or updated after it started, anywhere in the database.", checks.Duration(tx.AgeSec), describe(*tx), stateOf(*tx)),
			Recommendation: "Find out what it does (" + checks.Code(fmt.Sprintf("SELECT * FROM pg_stat_activity WHERE pid = %d;", tx.PID)) +
				") and whether it can be split into shorter transactions. Long reports belong on a standby."})
	}
	if q := session(d, "query"); q != nil && q.AgeSec > cfg.LongQueryP3 {
		out = append(out, checks.Finding{Code: "G002/long-query", Severity: checks.P3, Objects: objects(*q),
			Conclusion: fmt.Sprintf("The longest running query has been running for %s: %s.", checks.Duration(q.AgeSec), describe(*q)),
			Recommendation: "Check whether it is expected; K003 and the server log show slow statements. Set " + checks.Code("statement_timeout") +
				" for the roles that must not run such queries."})
	}
	var old []Prepared
	for _, p := range d.Prepared {
		if p.AgeSec > cfg.PreparedP2 {
			old = append(old, p)
		}
	}
	if len(old) > 0 {
		var parts, fixes []string
		var names []checks.Name
		for _, p := range old {
			names = append(names, p.GID)
			parts = append(parts, fmt.Sprintf("%s (owner %s, database %s, prepared %s ago)", checks.Code(string(p.GID)),
				checks.Code(string(p.Owner)), checks.Code(string(p.Database)), checks.Duration(p.AgeSec)))
			fixes = append(fixes, checks.Code("COMMIT PREPARED "+checks.QuoteLiteral(string(p.GID))+";")+" or "+checks.Code("ROLLBACK PREPARED "+checks.QuoteLiteral(string(p.GID))+";"))
		}
		total := max(d.PreparedOld, len(old))
		listed := ""
		if total > len(old) {
			listed = fmt.Sprintf(" (the oldest %d listed)", len(old))
		}
		out = append(out, checks.Finding{Code: "G002/prepared-transaction", Severity: checks.P2, Objects: names, Count: total,
			Conclusion: fmt.Sprintf("%d prepared transaction(s) older than %s%s: %s. A prepared transaction survives restarts and "+
				"keeps its locks and its snapshot until someone commits or rolls it back.", total, checks.Duration(cfg.PreparedP2), listed, strings.Join(parts, ", ")),
			Recommendation: "Ask the transaction manager that prepared it; if it has forgotten it, resolve it by hand in its database: " +
				strings.Join(fixes, "; ") + ". If nothing should use two-phase commit, set " + checks.Code("max_prepared_transactions = 0") + " (restart)."})
	}
	return out
}

func session(d Data, kind checks.Label) *Session {
	for i := range d.Oldest {
		if d.Oldest[i].Kind == kind {
			return &d.Oldest[i]
		}
	}
	return nil
}

// reported tells whether the oldest transaction's session is already named by the
// idle-in-transaction finding.
func reported(out []checks.Finding, d Data, tx *Session) bool {
	idle := session(d, "idle_in_transaction")
	if idle == nil || idle.PID != tx.PID {
		return false
	}
	for _, f := range out {
		if f.Code == "G002/idle-in-transaction" {
			return true
		}
	}
	return false
}

func describe(s Session) string {
	return fmt.Sprintf("pid %d, application %s, user %s, database %s", s.PID, checks.Code(string(s.Application)),
		checks.Code(string(s.User)), checks.Code(string(s.Database)))
}

func stateOf(s Session) string {
	if s.State == "" {
		return "in an unknown state"
	}
	return checks.Code(string(s.State))
}

func objects(s Session) []checks.Name {
	out := []checks.Name{s.User}
	if s.Application != "" {
		out = append(out, s.Application)
	}
	return out
}
