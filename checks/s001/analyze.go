package s001

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
)

// shown is how many names a conclusion spells out; Objects and the data hold the rest.
const shown = 20

// nameList renders names as code spans, at most shown of them, with "and N more" for the
// rest (total counts every role of the kind, listed or not).
func nameList(names []string, total int) string {
	out := names
	if len(out) > shown {
		out = out[:shown]
	}
	s := strings.Join(out, ", ")
	if more := total - len(out); more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}

func count(n int) int {
	if n > 1 {
		return n
	}
	return 0
}

func analyze(d Data, cfg Config, now time.Time) []checks.Finding {
	var out []checks.Finding
	out = append(out, superusers(d)...)
	out = append(out, serverFiles(d)...)
	out = append(out, attributes(d)...)
	out = append(out, admins(d)...)
	out = append(out, expiry(d, now)...)
	return out
}

func superusers(d Data) []checks.Finding {
	var list []string
	var objs []checks.Name
	var revoke []string
	sev := checks.P3
	for _, r := range d.Roles {
		switch {
		case r.Superuser:
			what := "superuser, cannot log in"
			if r.CanLogin {
				what, sev = "superuser, can log in", checks.P2
			}
			list = append(list, checks.Code(string(r.Name))+" ("+what+")")
			revoke = append(revoke, "ALTER ROLE "+checks.QuoteIdent(string(r.Name))+" NOSUPERUSER;")
		case len(r.MemberOfSuperusers) > 0:
			if r.CanLogin {
				sev = checks.P2
			}
			list = append(list, checks.Code(string(r.Name))+" (member of "+codes(r.MemberOfSuperusers)+": `SET ROLE` makes it a superuser)")
			for _, s := range r.MemberOfSuperusers {
				revoke = append(revoke, "REVOKE "+checks.QuoteIdent(string(s))+" FROM "+checks.QuoteIdent(string(r.Name))+";")
			}
		default:
			continue
		}
		objs = append(objs, r.Name)
	}
	if len(list) == 0 {
		return nil
	}
	return []checks.Finding{{Code: "S001/extra-superuser", Severity: sev, Count: count(d.Totals.Superusers),
		Conclusion: "Besides the bootstrap superuser, these roles are or can become superusers: " + nameList(list, d.Totals.Superusers) +
			". A superuser bypasses every permission check, reads and changes every row, and runs programs and reads files " +
			"on the server as the operating-system user of PostgreSQL: whoever holds its password (or an application bug " +
			"running as it) owns the cluster and the machine.",
		Recommendation: "Give applications and people roles with only the privileges they need; keep superuser for the " +
			"bootstrap role, used locally for maintenance. " + checks.Code(strings.Join(firstN(revoke, shown), " ")),
		Objects: objs}}
}

func serverFiles(d Data) []checks.Finding {
	var list, revoke []string
	var objs []checks.Name
	for _, r := range d.Roles {
		var via []checks.Name
		for _, m := range r.MemberOf {
			if slices.Contains(serverFileRoles, string(m)) {
				via = append(via, m)
			}
		}
		if r.Superuser || len(via) == 0 {
			continue
		}
		list = append(list, checks.Code(string(r.Name))+" ("+codes(via)+")")
		objs = append(objs, r.Name)
		for _, m := range via {
			revoke = append(revoke, "REVOKE "+string(m)+" FROM "+checks.QuoteIdent(string(r.Name))+";")
		}
	}
	if len(list) == 0 {
		return nil
	}
	return []checks.Finding{{Code: "S001/server-file-access", Severity: checks.P2, Count: count(d.Totals.ServerFiles),
		Conclusion: "Roles that reach the server's files or shell through a predefined role: " + nameList(list, d.Totals.ServerFiles) +
			". `pg_execute_server_program` runs any command as the operating-system user of PostgreSQL (`COPY ... TO PROGRAM`), " +
			"`pg_write_server_files` writes any file that user may write (the configuration, the data files), and " +
			"`pg_read_server_files` reads any (the server key, other databases' files): each is as good as superuser.",
		Recommendation: "Revoke the membership unless a job needs it; where one does, give it to a NOLOGIN role used only by " +
			"that job. " + checks.Code(strings.Join(firstN(revoke, shown), " ")) +
			" (a membership that comes through another role is revoked from that role).",
		Objects: objs}}
}

func attributes(d Data) []checks.Finding {
	var out []checks.Finding
	pick := func(has func(Role) bool) ([]string, []checks.Name) {
		var list []string
		var objs []checks.Name
		for _, r := range d.Roles {
			if r.CanLogin && !r.Superuser && has(r) {
				list = append(list, checks.Code(string(r.Name)))
				objs = append(objs, r.Name)
			}
		}
		return list, objs
	}
	if list, objs := pick(func(r Role) bool { return r.CreateRole }); len(list) > 0 {
		f := checks.Finding{Code: "S001/createrole-login", Severity: checks.P3, Count: count(d.Totals.CreateRole), Objects: objs,
			Conclusion: "Login roles with `CREATEROLE`: " + nameList(list, d.Totals.CreateRole) + ". They create, alter and drop " +
				"roles, and grant the memberships they administer.",
			Recommendation: "Keep `CREATEROLE` for a role used only to manage roles: `ALTER ROLE <role> NOCREATEROLE;`."}
		if d.CreateRoleReachesAll {
			f.Severity = checks.P2
			f.Conclusion += " Before PostgreSQL 16 that is every role but the superusers: such a role can grant itself " +
				"`pg_execute_server_program` or `pg_write_server_files`, and so the powers of a superuser."
		}
		out = append(out, f)
	}
	if list, objs := pick(func(r Role) bool { return r.BypassRLS }); len(list) > 0 {
		out = append(out, checks.Finding{Code: "S001/bypassrls-login", Severity: checks.P3, Count: count(d.Totals.BypassRLS), Objects: objs,
			Conclusion: "Login roles with `BYPASSRLS`: " + nameList(list, d.Totals.BypassRLS) + ". Row-level security policies " +
				"do not apply to them: where policies separate tenants or users, these roles see and change every row.",
			Recommendation: "Keep `BYPASSRLS` for backup and maintenance roles: `ALTER ROLE <role> NOBYPASSRLS;`."})
	}
	if list, objs := pick(func(r Role) bool { return r.Replication }); len(list) > 0 {
		out = append(out, checks.Finding{Code: "S001/replication-login", Severity: checks.Info, Count: count(d.Totals.Replication), Objects: objs,
			Conclusion: "Login roles with `REPLICATION`: " + nameList(list, d.Totals.Replication) + ". Standbys and backup tools " +
				"need one; it can also copy every database of the cluster (`pg_basebackup`) and, with logical decoding, read every change.",
			Recommendation: "Use each only for replication or backups, with its own password or certificate, and allow it in " +
				"`pg_hba.conf` only from the standbys' and backup hosts' addresses (`host replication <role> <address> scram-sha-256`)."})
	}
	return out
}

func admins(d Data) []checks.Finding {
	var list []string
	var objs []checks.Name
	for _, r := range d.Roles {
		var via []checks.Name
		for _, m := range r.MemberOf {
			if slices.Contains(adminRoles, string(m)) {
				via = append(via, m)
			}
		}
		switch {
		case r.AdminRole:
			list = append(list, checks.Code(string(r.Name))+" (the service's admin role)")
		case len(via) > 0:
			list = append(list, checks.Code(string(r.Name))+" (member of "+codes(via)+")")
		default:
			continue
		}
		objs = append(objs, r.Name)
	}
	if len(list) == 0 {
		return nil
	}
	return []checks.Finding{{Code: "S001/managed-admin-roles", Severity: checks.Info, Count: count(d.Totals.Admin), Objects: objs,
		Conclusion: "Managed-service admin roles and their members: " + nameList(list, d.Totals.Admin) + ". On Amazon RDS " +
			"(`rds_superuser`), Google Cloud SQL (`cloudsqlsuperuser`) and Azure (`azure_pg_admin`) these stand in for " +
			"superuser: their members create roles and extensions, and own or reach most objects. On a self-managed server a " +
			"role with such a name is an ordinary role.",
		Recommendation: "Keep membership to the administrators; applications should connect with roles that are not members."}}
}

func expiry(d Data, now time.Time) []checks.Finding {
	var out []checks.Finding
	if d.LoginWithExpiry > 0 && d.LoginWithoutExpiry > 0 {
		var list []string
		for _, n := range d.NoExpiry {
			list = append(list, checks.Code(string(n)))
		}
		out = append(out, checks.Finding{Code: "S001/no-password-expiry", Severity: checks.P3, Count: count(d.LoginWithoutExpiry),
			Objects: d.NoExpiry,
			Conclusion: fmt.Sprintf("%d login role(s) have a password expiry (`VALID UNTIL`), %d have none: %s. Where expiry is "+
				"the rule, a role without it keeps a password that is never rotated.", d.LoginWithExpiry, d.LoginWithoutExpiry,
				nameList(list, d.LoginWithoutExpiry)),
			Recommendation: "`ALTER ROLE <role> VALID UNTIL '<date>';` for the roles that log in with a password (it does not " +
				"apply to certificate, peer or other external authentication), or leave them out deliberately."})
	}
	var soon, gone []string
	var soonObjs, goneObjs []checks.Name
	for _, e := range d.Expiring {
		if e.ValidUntil.Before(now) {
			gone = append(gone, checks.Code(string(e.Name)))
			goneObjs = append(goneObjs, e.Name)
		} else {
			soon = append(soon, checks.Code(string(e.Name))+" ("+e.ValidUntil.Format("2006-01-02 15:04 MST")+")")
			soonObjs = append(soonObjs, e.Name)
		}
	}
	more := ""
	if n := d.ExpiringTotal - len(d.Expiring); n > 0 {
		more = fmt.Sprintf(" (and %d more expiring or expired)", n)
	}
	if len(soon) > 0 {
		out = append(out, checks.Finding{Code: "S001/password-expires-soon", Severity: checks.P2, Objects: soonObjs,
			Conclusion: "The password of these login roles expires by " + d.ExpiryWindowEnd.Format("2006-01-02") + ": " +
				nameList(soon, len(soon)) + more + ". After that, password logins of the role fail, and an application " +
				"connecting as it stops.",
			Recommendation: "Set a new password and expiry before then: `ALTER ROLE <role> PASSWORD '<new>' VALID UNTIL '<date>';` " +
				"(from psql, `\\password <role>` keeps the password out of the server log)."})
	}
	if len(gone) > 0 {
		out = append(out, checks.Finding{Code: "S001/password-expired", Severity: checks.P3, Objects: goneObjs,
			Conclusion: "These login roles' passwords have expired: " + nameList(gone, len(gone)) + more + ". They can no " +
				"longer log in with a password; other methods (certificate, peer) still let them in.",
			Recommendation: "Drop the roles no one uses, or keep them from logging in: `ALTER ROLE <role> NOLOGIN;`."})
	}
	return out
}

func codes(names []checks.Name) string {
	var s []string
	for _, n := range names {
		s = append(s, checks.Code(string(n)))
	}
	return strings.Join(s, ", ")
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
