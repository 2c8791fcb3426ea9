package s004

import (
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

func qual(schema, name checks.Name) string {
	return checks.QuoteQualified(string(schema), string(name))
}

// listed ends a conclusion with how many are listed when the query stopped at top_n.
func listed(shown, total int) string {
	if total > shown {
		return fmt.Sprintf(" (%s in all, the first %d listed)", checks.Thousands(int64(total)), shown)
	}
	return ""
}

func codes(items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = checks.Code(s)
	}
	return strings.Join(out, ", ")
}

func analyze(d Data) []checks.Finding {
	var out []checks.Finding
	if len(d.PublicCreate) > 0 {
		var names, fix []string
		var objs []checks.Name
		for _, s := range d.PublicCreate {
			names = append(names, string(s.Name))
			objs = append(objs, s.Name)
			fix = append(fix, "REVOKE CREATE ON SCHEMA "+checks.QuoteIdent(string(s.Name))+" FROM PUBLIC;")
		}
		out = append(out, checks.Finding{Code: "S004/public-create", Severity: checks.P2, Objects: objs, Count: len(objs),
			Conclusion: "Every role may create objects in schema(s) " + codes(names) + " (CREATE granted to PUBLIC; the default for " + checks.Code("public") +
				" before PostgreSQL 15). Any login can plant a function, operator or table there that wins name resolution for another role whose search_path includes the schema, and run code with that role's privileges (CVE-2018-1058).",
			Recommendation: checks.Code(strings.Join(fix, " ")) + " Grant CREATE to the roles that own the application's objects instead."})
	}
	if n := max(d.SecDefsTotal, len(d.SecDefs)); n > 0 {
		var items, fix []string
		var objs []checks.Name
		ext := false
		for _, f := range d.SecDefs {
			s := checks.Code(string(f.Signature)) + " owned by " + checks.Code(string(f.Owner))
			if f.OwnerSuperuser {
				s += " (a superuser)"
			}
			if f.Extension != "" {
				s += " from extension " + checks.Code(string(f.Extension))
				ext = true
			}
			items = append(items, s)
			objs = append(objs, f.Signature)
			kind := "FUNCTION"
			if f.Procedure {
				kind = "PROCEDURE"
			}
			if len(fix) < 3 {
				fix = append(fix, "ALTER "+kind+" "+string(f.Signature)+" SET search_path = pg_catalog, pg_temp;")
			}
		}
		rec := "Pin the search_path of each (then qualify the names its body uses, or add the schemas it needs before " + checks.Code("pg_temp") + "): " +
			checks.Code(strings.Join(fix, " ")) + " If a function need not be public, also " + checks.Code("REVOKE EXECUTE ON FUNCTION ... FROM PUBLIC;") + "."
		if ext {
			rec += " For an extension's functions, update the extension (" + checks.Code("ALTER EXTENSION ... UPDATE;") + ") or ask its maintainers."
		}
		out = append(out, checks.Finding{Code: "S004/secdef-search-path", Severity: checks.P1, Objects: objs, Count: n,
			Conclusion: "SECURITY DEFINER routines that every role may execute run with their owner's privileges but resolve names through the caller's search_path" + listed(len(d.SecDefs), n) +
				": a caller who creates a look-alike function or operator in a schema ahead of the intended one (" + checks.Code("pg_temp") + " always qualifies) runs it as the owner. " +
				strings.Join(items, "; ") + ".",
			Recommendation: rec})
	}
	var disabled, notForced []RLSTable
	for _, r := range d.RLS {
		if r.Enabled {
			notForced = append(notForced, r)
		} else {
			disabled = append(disabled, r)
		}
	}
	if n := max(d.RLSDisabled, len(disabled)); n > 0 {
		out = append(out, rlsFinding("S004/rls-disabled", checks.P2, disabled, n,
			"Tables with row-level security policies whose row-level security is not enabled: the policies are ignored and every role with a privilege on a table sees and changes all its rows",
			"ENABLE ROW LEVEL SECURITY"))
	}
	if n := max(d.RLSNotForced, len(notForced)); n > 0 {
		out = append(out, rlsFinding("S004/rls-not-forced", checks.P3, notForced, n,
			"Tables with row-level security enabled but not forced: their owner (often the role the application connects as) bypasses the policies",
			"FORCE ROW LEVEL SECURITY"))
	}
	var tables, others []DefaultACL
	for _, a := range d.DefaultACLs {
		switch a.ObjectType {
		case "tables":
			tables = append(tables, a)
		case "functions", "types":
			// EXECUTE on functions and USAGE on types are PUBLIC's by default anyway.
		default:
			others = append(others, a)
		}
	}
	out = append(out, defaclFinding("S004/default-grant-public-tables", checks.P2, tables,
		"Default privileges give every role access to the tables these roles create from now on")...)
	out = append(out, defaclFinding("S004/default-grant-public", checks.P3, others,
		"Default privileges give every role privileges on objects these roles create from now on")...)
	out = append(out, mappingFindings(d.Mappings)...)
	if len(d.Extensions) > 0 {
		var names []string
		for _, e := range d.Extensions {
			names = append(names, string(e))
		}
		out = append(out, checks.Finding{Code: "S004/risky-extension", Severity: checks.P3, Objects: d.Extensions, Count: len(d.Extensions),
			Conclusion:     "Extension(s) " + codes(names) + " are installed: they let SQL reach beyond the database (connections to other servers from the server's address, files on the server), which an attacker with a login can use to move on.",
			Recommendation: "Drop what is not used (" + checks.Code("DROP EXTENSION "+checks.QuoteIdent(names[0])+";") + "), and otherwise revoke its functions from PUBLIC and grant them to the roles that need them."})
	}
	if len(d.UntrustedLangs) > 0 {
		var names []string
		for _, l := range d.UntrustedLangs {
			names = append(names, string(l))
		}
		out = append(out, checks.Finding{Code: "S004/untrusted-language", Severity: checks.P3, Objects: d.UntrustedLangs, Count: len(d.UntrustedLangs),
			Conclusion:     "Untrusted procedural language(s) " + codes(names) + " are installed: functions in them run with the server's operating-system user's access (files, network, programs); only superusers can create them, but any such function is a way from SQL to the machine.",
			Recommendation: "Drop the language if nothing uses it (" + checks.Code("DROP EXTENSION "+checks.QuoteIdent(names[0])+";") + "), otherwise review who may execute its functions."})
	}
	return out
}

func rlsFinding(code string, sev checks.Severity, rs []RLSTable, n int, conclusion, clause string) checks.Finding {
	var items, fix []string
	var objs []checks.Name
	for _, r := range rs {
		items = append(items, fmt.Sprintf("%s (%d policies)", checks.Code(qual(r.Schema, r.Name)), r.Policies))
		objs = append(objs, r.Name)
		if len(fix) < 3 {
			fix = append(fix, "ALTER TABLE "+qual(r.Schema, r.Name)+" "+clause+";")
		}
	}
	return checks.Finding{Code: code, Severity: sev, Objects: objs, Count: n,
		Conclusion:     conclusion + listed(len(rs), n) + ": " + strings.Join(items, ", ") + ".",
		Recommendation: "Check the policies first (they then apply), then " + checks.Code(strings.Join(fix, " "))}
}

func defaclFinding(code string, sev checks.Severity, as []DefaultACL, conclusion string) []checks.Finding {
	if len(as) == 0 {
		return nil
	}
	var items, fix []string
	var objs []checks.Name
	for _, a := range as {
		var privs []string
		for _, p := range a.Privileges {
			privs = append(privs, string(p))
		}
		where, in := "every schema", ""
		if a.Schema != "" {
			where, in = "schema "+checks.Code(string(a.Schema)), " IN SCHEMA "+checks.QuoteIdent(string(a.Schema))
		}
		items = append(items, fmt.Sprintf("%s on %s created by %s in %s", strings.Join(privs, ", "), a.ObjectType, checks.Code(string(a.Role)), where))
		objs = append(objs, a.Role)
		if len(fix) < 3 {
			fix = append(fix, "ALTER DEFAULT PRIVILEGES FOR ROLE "+checks.QuoteIdent(string(a.Role))+in+" REVOKE ALL ON "+strings.ToUpper(string(a.ObjectType))+" FROM PUBLIC;")
		}
	}
	return []checks.Finding{{Code: code, Severity: sev, Objects: objs, Count: len(as),
		Conclusion:     conclusion + ": " + strings.Join(items, "; ") + ".",
		Recommendation: checks.Code(strings.Join(fix, " ")) + " Objects that exist already keep their grants: revoke those with " + checks.Code("REVOKE ... FROM PUBLIC") + " too."}}
}

func mappingFindings(ms []Mapping) []checks.Finding {
	var public, user, unknown []Mapping
	for _, m := range ms {
		switch {
		case m.Password == nil:
			unknown = append(unknown, m)
		case !*m.Password:
		case m.ForPublic:
			public = append(public, m)
		default:
			user = append(user, m)
		}
	}
	describe := func(list []Mapping) (string, []checks.Name) {
		var items []string
		var objs []checks.Name
		for _, m := range list {
			items = append(items, "server "+checks.Code(string(m.Server))+" ("+checks.Code(string(m.Wrapper))+") for "+checks.Code(string(m.User)))
			objs = append(objs, m.Server)
		}
		return strings.Join(items, "; "), objs
	}
	fix := func(m Mapping) string {
		return checks.Code("ALTER USER MAPPING FOR " + checks.QuoteIdent(string(m.User)) + " SERVER " + checks.QuoteIdent(string(m.Server)) + " OPTIONS (DROP password);")
	}
	var out []checks.Finding
	if len(public) > 0 {
		s, objs := describe(public)
		out = append(out, checks.Finding{Code: "S004/user-mapping-password-public", Severity: checks.P1, Objects: objs, Count: len(public),
			Conclusion: "User mappings FOR PUBLIC store a password: every role that has, or is later given, USAGE on the server connects to the remote database as its user with that password, and the server's owner can read it in " +
				checks.Code("pg_user_mappings") + ": " + s + ".",
			Recommendation: "Map each role that needs the server to a remote role of its own, authenticated by certificate (" + checks.Code("sslcert") + "/" + checks.Code("sslkey") +
				") or, on PostgreSQL 18, " + checks.Code("use_scram_passthrough") + ", then " + fix(public[0])})
	}
	if len(user) > 0 {
		s, objs := describe(user)
		out = append(out, checks.Finding{Code: "S004/user-mapping-password", Severity: checks.P2, Objects: objs, Count: len(user),
			Conclusion: "User mappings store a password in clear text in the catalog (superusers and the mapped role can read it, and " + checks.Code("pg_dump") + " writes it out): " + s + ".",
			Recommendation: "Authenticate to the remote server by certificate (" + checks.Code("sslcert") + "/" + checks.Code("sslkey") + ") or, on PostgreSQL 18, " +
				checks.Code("use_scram_passthrough") + ", then " + fix(user[0])})
	}
	if len(unknown) > 0 {
		s, objs := describe(unknown)
		out = append(out, checks.Finding{Code: "S004/user-mapping-unknown", Severity: checks.Info, Objects: objs, Count: len(unknown),
			Conclusion: "Unknown whether these user mappings store a password, because their options are hidden from pgcheckup's role (" + checks.Code("pg_user_mappings") +
				" shows them to superusers, the mapped role and the server's owner): " + s + ".",
			Recommendation: "Run S004 as a superuser (or as the server's owner) to see whether they hold a password; pgcheckup never reads the value."})
	}
	return out
}
