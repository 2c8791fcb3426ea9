package s003

import (
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

// The closed vocabularies of pg_hba_file_rules and pg_stat_activity that S003 keeps
// as labels; anything else becomes "other".
var (
	lineTypes    = []string{"local", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc"}
	methods      = []string{"trust", "reject", "scram-sha-256", "md5", "password", "gss", "sspi", "ident", "peer", "ldap", "radius", "cert", "pam", "bsd"}
	backendTypes = []string{"client backend", "walsender"}

	databaseKeywords = []string{"all", "sameuser", "samerole", "samegroup", "replication"}
	userKeywords     = []string{"all"}
)

func known(s string, set []string) checks.Label {
	switch {
	case s == "":
		return ""
	case slices.Contains(set, s):
		return checks.Label(s)
	}
	return "other"
}

// split separates the keywords of a pg_hba.conf field from the names in it.
func split(list []string, keywords []string) ([]checks.Name, []checks.Label) {
	names, kws := []checks.Name{}, []checks.Label{}
	for _, s := range list {
		if slices.Contains(keywords, s) {
			kws = append(kws, checks.Label(s))
		} else {
			names = append(names, checks.Name(s))
		}
	}
	return names, kws
}

// reach says whom a rule's address admits: only this machine, every address, or some
// network.
func reach(typ, addr, mask string) checks.Label {
	switch {
	case typ == "local", addr == "samehost", strings.EqualFold(addr, "localhost"):
		return ReachLocal
	case addr == "all":
		return ReachAny
	}
	ip := net.ParseIP(addr)
	if ip == nil { // a host name, or samenet
		return ReachNetwork
	}
	ones := 8 * len(ip)
	if m := net.ParseIP(mask); m != nil {
		if v4 := ip.To4(); v4 != nil {
			ip, m = v4, m.To4()
		}
		if m != nil {
			ones, _ = net.IPMask(m).Size()
		}
	}
	switch {
	case ones == 0:
		return ReachAny
	case ip.To4() != nil && ip.IsLoopback() && ones >= 8, ip.Equal(net.IPv6loopback) && ones == 128:
		return ReachLocal
	}
	return ReachNetwork
}

// listensOnNetwork reports whether listen_addresses names anything beyond loopback.
func listensOnNetwork(listen string) bool {
	for _, a := range strings.Split(listen, ",") {
		a = strings.TrimSpace(a)
		if a == "" || strings.EqualFold(a, "localhost") {
			continue
		}
		if ip := net.ParseIP(a); ip != nil && ip.IsLoopback() {
			continue
		}
		return true
	}
	return false
}

func hasAll(kws []checks.Label) bool { return slices.Contains(kws, "all") }

// describe renders a rule as its pg_hba.conf line (without options).
func describe(r Rule) string {
	var f []string
	f = append(f, string(r.Type))
	field := func(kws []checks.Label, names []checks.Name) string {
		var p []string
		for _, k := range kws {
			p = append(p, string(k))
		}
		for _, n := range names {
			p = append(p, string(n))
		}
		return strings.Join(p, ",")
	}
	f = append(f, field(r.DatabaseKeywords, r.Databases), field(r.UserKeywords, r.Users))
	switch {
	case r.AddressKeyword != "":
		f = append(f, string(r.AddressKeyword))
	case r.Address != "":
		f = append(f, string(r.Address))
		if r.Netmask != "" {
			f = append(f, string(r.Netmask))
		}
	}
	f = append(f, string(r.Method))
	return fmt.Sprintf("line %d %s", r.Line, checks.Code(strings.Join(f, " ")))
}

func lines(rs []Rule) string {
	var out []string
	for _, r := range rs {
		out = append(out, describe(r))
	}
	return strings.Join(out, "; ")
}

func ruleFinding(code string, sev checks.Severity, rs []Rule, conclusion, recommendation string) []checks.Finding {
	if len(rs) == 0 {
		return nil
	}
	return []checks.Finding{{Code: code, Severity: sev, Count: len(rs),
		Conclusion: conclusion + " " + lines(rs) + ".", Recommendation: recommendation}}
}

const reloadHint = " Then reload: " + "`SELECT pg_catalog.pg_reload_conf();`" + " (and check " + "`pg_catalog.pg_hba_file_rules`" + " for errors first)."

func analyze(d Data) []checks.Finding {
	var out []checks.Finding
	if !d.HBAReadable {
		out = append(out, checks.Finding{Code: "S003/hba-unreadable", Severity: checks.Info,
			Conclusion: "Unknown, because pgcheckup's role cannot read " + checks.Code("pg_hba_file_rules") +
				" (superusers only unless granted): trust or cleartext-password rules and rules open to every address could not be looked for.",
			Recommendation: "Run as a superuser, or grant the monitoring role read access (both are needed): " +
				checks.Code("GRANT SELECT ON pg_catalog.pg_hba_file_rules TO "+checks.QuoteIdent(string(d.Role))+"; GRANT EXECUTE ON FUNCTION pg_catalog.pg_hba_file_rules() TO "+checks.QuoteIdent(string(d.Role))+";")})
	}
	var trustRemote, trustLocal, pwPlain, pwEnc, ident, allAnywhere, anywhere, broken []Rule
	for _, r := range d.Rules {
		if r.Error != "" {
			broken = append(broken, r)
			continue
		}
		encrypted := r.Type == "hostssl" || r.Type == "hostgssenc"
		switch r.Method {
		case "trust":
			if r.Reach == ReachLocal {
				trustLocal = append(trustLocal, r)
			} else {
				trustRemote = append(trustRemote, r)
			}
			continue
		case "password":
			if r.Reach != ReachLocal && !encrypted {
				pwPlain = append(pwPlain, r)
			} else {
				pwEnc = append(pwEnc, r)
			}
		case "ident":
			if r.Type != "local" && r.Reach != ReachLocal {
				ident = append(ident, r)
			}
		}
		if r.Reach == ReachAny && r.Method != "reject" {
			if hasAll(r.UserKeywords) || hasAll(r.DatabaseKeywords) {
				allAnywhere = append(allAnywhere, r)
			} else {
				anywhere = append(anywhere, r)
			}
		}
	}
	out = append(out, ruleFinding("S003/trust-remote", checks.P1, trustRemote,
		"pg_hba.conf lets clients from other machines in without any password ("+checks.Code("trust")+"): anyone who can reach the port connects as any role these lines name, superusers included:",
		"Replace "+checks.Code("trust")+" with "+checks.Code("scram-sha-256")+" (or "+checks.Code("cert")+"), and narrow the address to the clients that need it, e.g. "+
			checks.Code("hostssl app app_user 10.0.1.0/24 scram-sha-256")+"."+reloadHint)...)
	out = append(out, ruleFinding("S003/trust-local", checks.P2, trustLocal,
		"pg_hba.conf trusts connections from this machine (Unix socket or loopback): every operating-system user and every process on the server connects as any role these lines name, superusers included, without a password:",
		"Use "+checks.Code("peer")+" for "+checks.Code("local")+" lines (the operating-system user must match the role) and "+checks.Code("scram-sha-256")+" for loopback "+checks.Code("host")+" lines."+reloadHint)...)
	out = append(out, ruleFinding("S003/password-cleartext", checks.P2, pwPlain,
		"The "+checks.Code("password")+" method sends the password in clear text, and these lines accept it from the network without requiring SSL, so it can be sniffed:",
		"Use "+checks.Code("scram-sha-256")+" (the password never crosses the wire), and "+checks.Code("hostssl")+" instead of "+checks.Code("host")+"."+reloadHint)...)
	out = append(out, ruleFinding("S003/password-method", checks.P3, pwEnc,
		"The "+checks.Code("password")+" method hands the server the password itself (over SSL, GSS encryption or on this machine), where "+checks.Code("scram-sha-256")+" proves it without sending it:",
		"Use "+checks.Code("scram-sha-256")+" once the roles' passwords are stored as SCRAM (S002)."+reloadHint)...)
	out = append(out, ruleFinding("S003/ident-over-tcp", checks.P2, ident,
		"The "+checks.Code("ident")+" method over TCP believes whatever user name the client machine's ident server reports; whoever controls a client machine chooses it:",
		"Use "+checks.Code("scram-sha-256")+" or "+checks.Code("cert")+" for network clients ("+checks.Code("peer")+" is the safe form for local connections)."+reloadHint)...)
	out = append(out, ruleFinding("S003/all-from-anywhere", checks.P2, allAnywhere,
		"These lines accept every database or every role from every address (0.0.0.0/0, ::/0 or "+checks.Code("all")+"): the whole internet can try passwords, if the port is reachable:",
		"Restrict the address to the clients' networks and name the databases and roles: "+checks.Code("hostssl app app_user 10.0.1.0/24 scram-sha-256")+"."+reloadHint)...)
	out = append(out, ruleFinding("S003/from-anywhere", checks.P3, anywhere,
		"These lines accept connections from every address (0.0.0.0/0, ::/0 or "+checks.Code("all")+"), for the named databases and roles:",
		"Restrict the address to the clients' networks."+reloadHint)...)
	out = append(out, ruleFinding("S003/hba-errors", checks.P2, broken,
		"pg_hba.conf as it is on disk has lines with errors: the server keeps the rules it loaded last (so what it enforces is not what the file says) and will refuse to start with this file:",
		"Fix the lines ("+checks.Code("SELECT line_number, error FROM pg_catalog.pg_hba_file_rules WHERE error IS NOT NULL;")+" shows the messages), then reload.")...)
	if d.HBAReadable {
		if f := checks.Unlisted("S003/rules-unlisted", checks.P3, d.Flagged-len(d.Rules), d.Flagged,
			"pg_hba.conf lines worth a look", "the first "+checks.Thousands(int64(len(d.Rules)))); f != nil {
			f.Recommendation = "Raise " + checks.Code("top_n_rules") + " in " + checks.Code("[checks.S003]") + " to see them all."
			out = append(out, *f)
		}
	}
	if !d.SSL && d.ListensOnNetwork {
		out = append(out, checks.Finding{Code: "S003/ssl-off", Severity: checks.P2,
			Conclusion: checks.Code("ssl") + " is off while the server listens on " + checks.Code(string(d.ListenAddresses)) +
				": every connection from another machine, its queries and results (and passwords sent with " + checks.Code("password") + "), crosses the network unencrypted.",
			Recommendation: "Install a certificate and key (" + checks.Code("ssl_cert_file") + ", " + checks.Code("ssl_key_file") + "), then " +
				checks.Code("ALTER SYSTEM SET ssl = on; SELECT pg_catalog.pg_reload_conf();") + " and require it with " + checks.Code("hostssl") + " lines (clients: " + checks.Code("sslmode=verify-full") + ")."})
	}
	if d.SessionsNoSSL > 0 {
		var who []string
		for _, g := range d.Sessions {
			who = append(who, fmt.Sprintf("%s from %s as %s in %s", plural(g.Sessions), checks.Code(string(g.Address)), checks.Code(string(g.User)), checks.Code(string(g.Database))))
		}
		more := ""
		if d.SessionGroups > len(d.Sessions) {
			more = fmt.Sprintf(" (and %d more groups)", d.SessionGroups-len(d.Sessions))
		}
		out = append(out, checks.Finding{Code: "S003/sessions-without-ssl", Severity: checks.P2, Count: int(d.SessionsNoSSL),
			Conclusion: fmt.Sprintf("%s connected from other machines without SSL right now: %s%s. Their queries and results cross the network unencrypted.",
				plural(d.SessionsNoSSL), strings.Join(who, "; "), more),
			Recommendation: "Require encryption on the server with " + checks.Code("hostssl") + " lines for these clients (and " + checks.Code("hostnossl ... reject") +
				" before them), and set " + checks.Code("sslmode=verify-full") + " in the clients' connection strings."})
	}
	if !d.SeesAll && d.HiddenSessions > 0 {
		out = append(out, checks.Finding{Code: "S003/sessions-unknown", Severity: checks.Info,
			Conclusion: fmt.Sprintf("Unknown for %s of other roles: pgcheckup's role cannot see their client address or whether they use SSL.", plural(d.HiddenSessions)),
			Recommendation: "Grant the monitoring role " + checks.Code("pg_read_all_stats") + ": " + checks.Code("GRANT pg_read_all_stats TO "+checks.QuoteIdent(string(d.Role))+";") +
				" (" + checks.Code("pg_monitor") + " includes it)."})
	}
	return out
}

func plural(n int64) string {
	if n == 1 {
		return "1 session"
	}
	return checks.Thousands(n) + " sessions"
}
