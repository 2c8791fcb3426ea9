package s002

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

// shown is how many names a conclusion spells out; Objects and the data hold the rest.
const shown = 20

// scram reports whether a password_encryption value stores SCRAM verifiers. Older
// majors also took on/off/true (meaning md5).
func scram(v checks.Text) bool {
	return strings.EqualFold(strings.Trim(strings.TrimSpace(string(v)), `'"`), "scram-sha-256")
}

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	set := pgsettings.NewIndex(d.Settings)
	if f, ok := encryption(d, set); ok {
		out = append(out, f)
	}
	switch {
	case d.Secrets == nil:
		out = append(out, checks.Finding{Code: "S002/md5-unknown", Severity: checks.Info,
			Conclusion: "Whether any role still has an MD5 password is unknown: the stored secrets are in `pg_authid`, " +
				"which only superusers may read, and pgcheckup's role " + checks.Code(string(d.User)) + " is not one.",
			Recommendation: "Run pgcheckup as a superuser, or have a superuser run " +
				"`SELECT rolname FROM pg_catalog.pg_authid WHERE rolpassword LIKE 'md5%';`. " +
				"`GRANT SELECT (rolname, rolcanlogin, rolpassword) ON pg_catalog.pg_authid TO " + checks.QuoteIdent(string(d.User)) +
				";` also lets this check see them, but hands that role every password hash: an MD5 hash is enough to log in " +
				"wherever `pg_hba.conf` says `md5`. pgcheckup reads only whether each secret starts with `md5`."})
	case d.Secrets.MD5Total > 0:
		var names []string
		for _, n := range d.Secrets.MD5Roles {
			if len(names) == shown {
				break
			}
			names = append(names, checks.Code(string(n)))
		}
		list := strings.Join(names, ", ")
		if more := d.Secrets.MD5Total - len(names); more > 0 {
			list += fmt.Sprintf(" and %d more", more)
		}
		f := checks.Finding{Code: "S002/md5-passwords", Severity: checks.P2, Objects: d.Secrets.MD5Roles,
			Conclusion: fmt.Sprintf("%d role(s) (%d of them can log in) store their password as an MD5 hash: %s. "+
				"MD5 is fast to brute-force, the hash is salted only with the role name, and whoever obtains it (a backup, "+
				"a dump of `pg_authid`) can log in with it, without the password, wherever `pg_hba.conf` accepts `md5`. "+
				"PostgreSQL 18 deprecates MD5 passwords.", d.Secrets.MD5Total, d.Secrets.MD5Login, list),
			Recommendation: "With `password_encryption` set to `scram-sha-256`, set each password again: in psql `\\password <role>` " +
				"(it sends only the SCRAM verifier, so the password reaches neither the server log nor `pg_stat_statements`), " +
				"or `ALTER ROLE <role> PASSWORD '...'` from a session that logs no statements. Then change `md5` to " +
				"`scram-sha-256` in `pg_hba.conf` (clients need libpq 10 or a driver with SCRAM)."}
		if d.Secrets.MD5Total > 1 {
			f.Count = d.Secrets.MD5Total
		}
		out = append(out, f)
	}
	if r, ok := set["scram_iterations"]; ok {
		if v, ok := r.Float(); ok && v < cfg.MinScramIterations {
			out = append(out, checks.Finding{Code: "S002/scram-iterations-low", Severity: checks.P3,
				Conclusion: fmt.Sprintf("`scram_iterations` is %.0f, below %.0f: SCRAM verifiers created from now on are "+
					"cheaper to brute-force if they leak.", v, cfg.MinScramIterations),
				Recommendation: fmt.Sprintf("`ALTER SYSTEM SET scram_iterations = %.0f; SELECT pg_catalog.pg_reload_conf();` "+
					"(applies to passwords set afterwards).", cfg.MinScramIterations),
				Objects: []checks.Name{"scram_iterations"}})
		}
	}
	return out
}

// encryption is the finding on password_encryption: the value pgcheckup's session sees
// and the values set for roles or databases.
func encryption(d Data, set pgsettings.Index) (checks.Finding, bool) {
	var where []string
	objs := []checks.Name{"password_encryption"}
	if r, ok := set["password_encryption"]; ok && !scram(r.Value) {
		where = append(where, fmt.Sprintf("`password_encryption` is %s (%s)", checks.Code(string(r.Value)), r.Level()))
	}
	var over []string
	for _, o := range d.Overrides {
		if scram(o.Value) {
			continue
		}
		who := "every role"
		if o.Role != "" {
			who = "role " + checks.Code(string(o.Role))
			objs = append(objs, o.Role)
		}
		if o.Database != "" {
			who += " in database " + checks.Code(string(o.Database))
			objs = append(objs, o.Database)
		}
		over = append(over, fmt.Sprintf("%s for %s", checks.Code(string(o.Value)), who))
	}
	if n := d.OverridesTotal - len(d.Overrides); n > 0 && len(over) > 0 {
		over = append(over, fmt.Sprintf("and %d more setting(s) not read", n))
	}
	if len(over) > 0 {
		where = append(where, "it is set to "+strings.Join(over, ", "))
	}
	if len(where) == 0 {
		return checks.Finding{}, false
	}
	return checks.Finding{Code: "S002/password-encryption", Severity: checks.P2, Objects: objs,
		Conclusion: strings.Join(where, "; ") + ". Every password set there is stored as an MD5 hash (the default before " +
			"PostgreSQL 14): fast to brute-force, and enough on its own to log in where `pg_hba.conf` accepts `md5`.",
		Recommendation: "`ALTER SYSTEM SET password_encryption TO 'scram-sha-256'; SELECT pg_catalog.pg_reload_conf();` and " +
			"remove the role and database values (`ALTER ROLE <role> RESET password_encryption;`). Passwords already stored " +
			"stay MD5 until they are set again (`S002/md5-passwords`)."}, true
}
