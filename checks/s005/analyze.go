package s005

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

// logsStatements says why a setting's value puts statement texts in the log, or "".
// get returns the value of another setting as seen beside it (same scope).
func logsStatements(name, value string, get func(string) (string, bool)) string {
	v := strings.ToLower(strings.Trim(strings.TrimSpace(value), `'"`))
	switch name {
	case "log_statement":
		if v == "ddl" || v == "mod" || v == "all" {
			return "every statement of class `" + v + "` is logged with its text, `CREATE/ALTER ROLE ... PASSWORD` included"
		}
	case "log_min_duration_statement":
		if ms, ok := millis(v); ok && ms == 0 {
			return "every completed statement is logged with its text and duration"
		}
	case "log_min_duration_sample":
		rate, ok := get("log_statement_sample_rate")
		if r, err := strconv.ParseFloat(rate, 64); ms0(v) && (!ok || err == nil && r > 0) {
			return "a sample of all statements is logged with its text"
		}
	case "log_transaction_sample_rate":
		if r, err := strconv.ParseFloat(v, 64); err == nil && r > 0 {
			return "every statement of a sample of transactions is logged with its text"
		}
	case "debug_print_parse", "debug_print_rewritten", "debug_print_plan":
		if isOn(v) {
			return "statement trees are logged with their constants"
		}
	}
	return ""
}

// overrideSources are pg_settings sources that come from a role or database setting of
// pgcheckup's own session, which hide the server-wide value.
var overrideSources = map[string]bool{"database": true, "user": true, "database user": true}

func ms0(v string) bool { ms, ok := millis(v); return ok && ms == 0 }

// millis reads a time setting as stored (a number of ms) or as written per role ("0",
// "0ms", "1s"); only whether it is 0 matters here.
func millis(v string) (float64, bool) {
	v = strings.TrimSpace(v)
	i := 0
	for i < len(v) && (v[i] >= '0' && v[i] <= '9' || v[i] == '.' || v[i] == '-') {
		i++
	}
	n, err := strconv.ParseFloat(v[:i], 64)
	return n, err == nil
}

func isOn(v string) bool {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(v), `'"`)) {
	case "", "off", "false", "no", "0", "of", "fa", "f", "n":
		return false
	}
	return true
}

func analyze(d Data) []checks.Finding {
	set := pgsettings.NewIndex(d.Settings)
	get := func(name string) (string, bool) {
		r, ok := set[name]
		return string(r.Value), ok
	}
	var out []checks.Finding
	var why, hidden []string
	objs := []checks.Name{}
	for _, s := range d.Settings {
		if overrideSources[string(s.Source)] && slices.Contains(statementSettings, string(s.Name)) {
			hidden = append(hidden, checks.Code(string(s.Name)))
		}
		if w := logsStatements(string(s.Name), string(s.Value), get); w != "" {
			why = append(why, fmt.Sprintf("%s: %s", checks.Code(string(s.Name)+" = "+string(s.Value)), w))
			objs = append(objs, s.Name)
		}
	}
	for _, o := range d.Overrides {
		if w := logsStatements(string(o.Name), string(o.Value), get); w != "" {
			who := "every role"
			if o.Role != "" {
				who = "role " + checks.Code(string(o.Role))
				objs = append(objs, o.Role)
			}
			if o.Database != "" {
				who += " in database " + checks.Code(string(o.Database))
				objs = append(objs, o.Database)
			}
			why = append(why, fmt.Sprintf("%s for %s: %s", checks.Code(string(o.Name)+" = "+string(o.Value)), who, w))
		}
	}
	if n := d.OverridesTotal - len(d.Overrides); n > 0 {
		why = append(why, fmt.Sprintf("(%d more role or database setting(s) not read)", n))
	}
	if len(objs) > 0 {
		out = append(out, checks.Finding{Code: "S005/statements-logged", Severity: checks.P2, Objects: objs,
			Conclusion: strings.Join(why, "; ") + ". Statement texts in the log carry passwords (`CREATE ROLE ... PASSWORD '...'`, " +
				"`ALTER ROLE`, `CREATE USER MAPPING ... OPTIONS (password '...')`, `dblink_connect`) and the data in literals, " +
				"to whoever reads the log files, their backups and the log shipping.",
			Recommendation: "Log statements by duration above a threshold instead: `ALTER SYSTEM SET log_statement = 'none'; " +
				"ALTER SYSTEM SET log_min_duration_statement = '1s'; SELECT pg_catalog.pg_reload_conf();` " +
				"(and `ALTER ROLE <role> RESET log_statement;` for the role settings). Where DDL must be audited, set passwords " +
				"with psql's `\\password <role>`, which sends only the SCRAM verifier, and treat the log as secret."})
	}
	if len(hidden) > 0 {
		out = append(out, checks.Finding{Code: "S005/server-value-hidden", Severity: checks.Info,
			Conclusion: "The server-wide value of " + strings.Join(hidden, ", ") + " is unknown: a setting for pgcheckup's " +
				"role or database replaces it in pgcheckup's session (listed with the role and database settings), so " +
				"other databases and roles may log statements this check does not see.",
			Recommendation: "Look it up as a superuser: `SELECT name, setting, sourcefile FROM pg_catalog.pg_file_settings " +
				"WHERE name LIKE 'log%';`, or run pgcheckup in a database and as a role without such settings."})
	}
	if r, ok := set["log_connections"]; ok && !isOn(string(r.Value)) {
		out = append(out, checks.Finding{Code: "S005/log-connections-off", Severity: checks.P3, Objects: []checks.Name{"log_connections"},
			Conclusion: "`log_connections` is off: the log does not say who connected, from which address, to which database " +
				"and how they were authenticated (failed logins are logged anyway). After an incident there is no record " +
				"of access, and unused roles cannot be found.",
			Recommendation: "The value is " + r.Level() + ": " + r.SetSQL("on") + ", and the same for `log_disconnections` " +
				"(new sessions), with `%u`, `%d` and `%r` or `%h` in " +
				"`log_line_prefix`. Under a connection pooler the server sees only the pooler's connections; log there too."})
	}
	if r, ok := set["log_file_mode"]; ok && set["logging_collector"].Bool() {
		if mode, err := strconv.ParseUint(strings.TrimSpace(string(r.Value)), 8, 32); err == nil && mode&0o004 != 0 {
			out = append(out, checks.Finding{Code: "S005/log-files-world-readable", Severity: checks.P3,
				Objects: []checks.Name{"log_file_mode"},
				Conclusion: fmt.Sprintf("`log_file_mode` is %s: every user of the server's machine can read the log files, "+
					"with the statements, errors and the values they quote.", checks.Code(string(r.Value))),
				Recommendation: "`ALTER SYSTEM SET log_file_mode = '0600'; SELECT pg_catalog.pg_reload_conf();` (or `0640` for a " +
					"log-shipping group); files already written keep their mode: `chmod o-r` them."})
		}
	}
	return out
}
