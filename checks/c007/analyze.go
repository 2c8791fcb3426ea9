package c007

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

func analyze(d Data, cfg Config) []checks.Finding {
	out := slotFindings(d, cfg)
	shown := map[holderKey]int{}
	for i, h := range d.Holders {
		sev, ok := severity(h, d, cfg)
		if !ok {
			continue
		}
		shown[holderKey{holderCode(h.Kind), sev}]++
		out = append(out, holderFinding(d, i, h, sev))
	}
	return append(out, unlisted(d, shown)...)
}

type holderKey struct {
	code string
	sev  checks.Severity
}

var holderWhat = map[string]string{"C007/xmin-held-by-backend": "sessions holding back the xmin horizon",
	"C007/xmin-held-by-prepared-transaction": "prepared transactions holding back the xmin horizon",
	"C007/xmin-held-by-slot":                 "replication slots holding back the xmin horizon",
	"C007/xmin-held-by-standby":              "standbys holding back the xmin horizon"}

// unlisted counts the holders beyond top_n under the code their listed kin would have,
// one finding per code and severity.
func unlisted(d Data, shown map[holderKey]int) []checks.Finding {
	n := map[holderKey]int{}
	var order []holderKey
	for _, g := range d.Unlisted {
		k := holderKey{holderCode(g.Kind), g.Severity}
		if _, ok := n[k]; !ok {
			order = append(order, k)
		}
		n[k] += g.Count
	}
	var out []checks.Finding
	for _, k := range order {
		what := holderWhat[k.code]
		if what == "" {
			what = "holders of the xmin horizon"
		}
		what += " at " + k.sev.String()
		if f := checks.Unlisted(k.code, k.sev, n[k], shown[k]+n[k], what,
			fmt.Sprintf("%d of them (among the %d oldest holders)", shown[k], len(d.Holders))); f != nil {
			out = append(out, *f)
		}
	}
	return out
}

func holderCode(kind checks.Label) string {
	if c := codes[kind]; c != "" {
		return c
	}
	return "C007/xmin-held"
}

func slotFindings(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	for _, s := range d.Slots {
		name := string(s.Name)
		drop := checks.Code("SELECT pg_catalog.pg_drop_replication_slot(" + checks.QuoteLiteral(name) + ");")
		status := ""
		if s.WALStatus != nil {
			status = string(*s.WALStatus)
		}
		switch status {
		case "lost":
			out = append(out, checks.Finding{Code: "C007/slot-lost", Severity: checks.P1, Objects: []checks.Name{s.Name},
				Conclusion: fmt.Sprintf("Replication slot %s has lost WAL it needed (%s %s): its consumer can no longer resume from it.",
					checks.Code(name), checks.Code("wal_status"), checks.Code(status)),
				Recommendation: "Re-create the consumer (re-clone the standby, or re-synchronize the subscription) and drop the slot: " + drop})
			continue
		case "unreserved":
			out = append(out, checks.Finding{Code: "C007/slot-unreserved", Severity: checks.P1, Objects: []checks.Name{s.Name},
				Conclusion: fmt.Sprintf("Replication slot %s retains more WAL than %s allows (%s %s): the next checkpoint removes WAL its consumer still needs.",
					checks.Code(name), checks.Code("max_slot_wal_keep_size"), checks.Code("wal_status"), checks.Code(status)),
				Recommendation: "Let the consumer catch up now, or accept that it will have to be re-created; if it is gone, drop the slot: " + drop})
			continue
		}
		if s.Temporary || s.RetainedBytes == nil {
			continue
		}
		retained := checks.Bytes(int64(*s.RetainedBytes))
		switch {
		case !s.Active && *s.RetainedBytes > cfg.InactiveSlotWALMB*(1<<20):
			out = append(out, checks.Finding{Code: "C007/inactive-slot-retains-wal", Severity: checks.P1, Objects: []checks.Name{s.Name},
				Conclusion: fmt.Sprintf("Inactive %s replication slot %s retains %s of WAL%s. Nothing consumes it, so WAL accumulates until the disk fills and the server stops.",
					checks.Esc(string(s.Type)), checks.Code(name), retained, inactiveFor(s)),
				Recommendation: "If its consumer is gone for good, drop it: " + drop + " Otherwise bring the consumer back now." + guard(d)})
		case !s.Active:
			out = append(out, checks.Finding{Code: "C007/inactive-slot", Severity: checks.P3, Objects: []checks.Name{s.Name},
				Conclusion:     fmt.Sprintf("Replication slot %s is inactive%s and retains %s of WAL, growing with every write.", checks.Code(name), inactiveFor(s), retained),
				Recommendation: "Drop it if nothing will use it again: " + drop + guard(d)})
		case *s.RetainedBytes > cfg.ActiveSlotWALMB*(1<<20):
			user := ""
			if s.Standby != nil {
				user = " (used by " + checks.Code(string(*s.Standby)) + ")"
			}
			out = append(out, checks.Finding{Code: "C007/slot-retains-wal", Severity: checks.P2, Objects: []checks.Name{s.Name},
				Conclusion:     fmt.Sprintf("Active replication slot %s%s retains %s of WAL: its consumer is far behind.", checks.Code(name), user, retained),
				Recommendation: "Find why the consumer is slow (C002 shows standby lag; for logical replication, the subscriber's apply worker)." + guard(d)})
		}
	}
	return out
}

// guard suggests capping what slots may retain (13+).
func guard(d Data) string {
	for _, s := range d.Settings {
		if s.Name == "max_slot_wal_keep_size" && s.Value == "-1" {
			return " To cap the risk, set " + checks.Code("max_slot_wal_keep_size") + " to what the WAL disk can spare (a slot beyond it is invalidated instead of stopping the server)."
		}
	}
	return ""
}

func inactiveFor(s Slot) string {
	if s.InactiveSec == nil {
		return ""
	}
	return " (inactive for " + checks.Duration(*s.InactiveSec) + ")"
}

func severity(h Holder, d Data, cfg Config) (checks.Severity, bool) {
	timed := func(limit float64) bool { return h.AgeSec != nil && *h.AgeSec >= limit }
	switch {
	case d.FreezeMaxAge > 0 && float64(h.XminAge) > float64(d.FreezeMaxAge)*cfg.FreezeMaxPercent/100:
		return checks.P1, true
	case h.XminAge >= cfg.XminAgeP2 || timed(cfg.XminSecondsP2):
		return checks.P2, true
	case h.XminAge >= cfg.XminAgeP3 || timed(cfg.XminSecondsP3):
		return checks.P3, true
	}
	return checks.Info, false
}

var codes = map[checks.Label]string{"backend": "C007/xmin-held-by-backend", "prepared": "C007/xmin-held-by-prepared-transaction",
	"slot": "C007/xmin-held-by-slot", "slot_catalog": "C007/xmin-held-by-slot", "standby": "C007/xmin-held-by-standby"}

func holderFinding(d Data, i int, h Holder, sev checks.Severity) checks.Finding {
	age := fmt.Sprintf("%d transactions old", h.XminAge)
	if h.AgeSec != nil {
		age += ", open for " + checks.Duration(*h.AgeSec)
	}
	effect := "vacuum cannot remove row versions deleted or updated after it started, in its database and in the shared catalogs, and cannot freeze rows past it."
	switch h.Kind {
	case "slot", "standby":
		effect = "vacuum cannot remove row versions deleted or updated after it, in any database, and cannot freeze rows past it."
	case "slot_catalog":
		effect = "vacuum cannot remove or freeze row versions of the system catalogs past it, in its database."
	}
	if sev == checks.P1 {
		effect += fmt.Sprintf(" Its age is past %s (%d): anti-wraparound vacuums cannot succeed while it is held.", checks.Code("autovacuum_freeze_max_age"), d.FreezeMaxAge)
	}
	concl := fmt.Sprintf("%s holds the xmin horizon, the oldest transaction ID vacuum must respect on this server: %s. Until it lets go, %s",
		capitalize(describe(d, h)), age, effect)
	if i > 0 {
		concl = fmt.Sprintf("%s holds an old xmin: %s (number %d; the horizon itself is held by %s). Even once that one is gone, %s",
			capitalize(describe(d, h)), age, i+1, describe(d, d.Holders[0]), effect)
	}
	return checks.Finding{Code: holderCode(h.Kind), Severity: sev, Objects: objects(h),
		Conclusion:     concl,
		Recommendation: advice(d, h)}
}

func describe(d Data, h Holder) string {
	s := ""
	switch h.Kind {
	case "backend":
		s = fmt.Sprintf("session pid %d (application %s, user %s, database %s, %s)", deref(h.PID), code(h.Name), code(name(h.Owner)), code(name(h.Database)), stateText(h))
	case "prepared":
		s = fmt.Sprintf("prepared transaction %s (owner %s, database %s)", checks.Code(string(h.Name)), code(name(h.Owner)), code(name(h.Database)))
	case "slot", "slot_catalog":
		what := "xmin"
		if h.Kind == "slot_catalog" {
			what = "catalog_xmin"
		}
		s = fmt.Sprintf("the %s of %s replication slot %s (%s)", what, checks.Esc(string(h.Detail)), checks.Code(string(h.Name)), checks.Esc(string(h.State)))
		if st := slotOf(d, h.Name); st != nil && st.Standby != nil {
			s += ", used by " + checks.Code(string(*st.Standby))
		}
	case "standby":
		s = fmt.Sprintf("standby %s (WAL sender pid %d, hot_standby_feedback)", code(h.Name), deref(h.PID))
	default:
		s = fmt.Sprintf("%s %s", h.Kind, code(h.Name))
	}
	return s
}

func advice(d Data, h Holder) string {
	switch h.Kind {
	case "backend":
		pid := deref(h.PID)
		a := fmt.Sprintf("End that transaction: ask its owner, or cancel the query with %s or end the session with %s.",
			checks.Code(fmt.Sprintf("SELECT pg_catalog.pg_cancel_backend(%d);", pid)), checks.Code(fmt.Sprintf("SELECT pg_catalog.pg_terminate_backend(%d);", pid)))
		if strings.HasPrefix(string(h.State), "idle in transaction") {
			a += " The session is idle in transaction: the application left it open; " + checks.Code("idle_in_transaction_session_timeout") + " ends such sessions automatically."
		}
		return a
	case "prepared":
		db := name(h.Database)
		return fmt.Sprintf("Resolve it with its transaction manager, or by hand in database %s: %s or %s.", code(db),
			checks.Code("COMMIT PREPARED "+checks.QuoteLiteral(string(h.Name))+";"), checks.Code("ROLLBACK PREPARED "+checks.QuoteLiteral(string(h.Name))+";"))
	case "slot", "slot_catalog":
		drop := checks.Code("SELECT pg_catalog.pg_drop_replication_slot(" + checks.QuoteLiteral(string(h.Name)) + ");")
		if h.State == "inactive" {
			return "Nothing uses the slot now, yet it keeps its xmin. If its consumer is gone for good, drop it: " + drop
		}
		if h.Kind == "slot_catalog" {
			return "The logical consumer of this slot has not confirmed changes for a long time: check the subscriber or decoding client; drop the slot if it is abandoned: " + drop
		}
		return "The standby using this slot reports its oldest snapshot (" + checks.Code("hot_standby_feedback") + "): find its long queries there (G002 on the standby), or turn feedback off and accept query cancellations."
	case "standby":
		return "That standby reports its oldest snapshot through " + checks.Code("hot_standby_feedback") + ": find its long transactions there (G002 on the standby), or turn feedback off and accept query cancellations."
	}
	return "Find and end what holds it."
}

func objects(h Holder) []checks.Name {
	if h.Name != "" {
		return []checks.Name{h.Name}
	}
	if h.Owner != nil {
		return []checks.Name{*h.Owner}
	}
	return nil
}

func slotOf(d Data, n checks.Name) *Slot {
	for i := range d.Slots {
		if d.Slots[i].Name == n {
			return &d.Slots[i]
		}
	}
	return nil
}

func stateText(h Holder) string {
	s := checks.Esc(string(h.Detail))
	if h.State != "" {
		s += ", " + checks.Esc(string(h.State))
	}
	return s
}

func name(n *checks.Name) checks.Name {
	if n == nil {
		return ""
	}
	return *n
}

func code(n checks.Name) string {
	if n == "" {
		return "(none)"
	}
	return checks.Code(string(n))
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
