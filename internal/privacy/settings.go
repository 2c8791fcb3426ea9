package privacy

import (
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

// HiddenValue stands in the report for the value of a setting that may hold a secret.
const HiddenValue = "(hidden: custom setting)"

// shownCustom are the custom settings whose values pgcheckup's checks judge and that
// hold no secret: those of the extensions D004 reviews, and auto_explain's.
var shownCustom = map[string]bool{
	"pg_stat_statements.max": true, "pg_stat_statements.track": true, "pg_stat_statements.track_utility": true,
	"pg_stat_statements.track_planning": true, "pg_stat_statements.save": true,
	"pg_stat_kcache.linux_hz": true, "pg_stat_kcache.track": true, "pg_stat_kcache.track_planning": true,
	"auto_explain.log_min_duration": true, "auto_explain.log_analyze": true, "auto_explain.log_buffers": true,
	"auto_explain.log_wal": true, "auto_explain.log_timing": true, "auto_explain.log_triggers": true,
	"auto_explain.log_verbose": true, "auto_explain.log_settings": true, "auto_explain.log_format": true,
	"auto_explain.log_level": true, "auto_explain.log_nested_statements": true, "auto_explain.sample_rate": true,
	"auto_explain.log_parameter_max_length": true,
}

// SettingShown reports whether the value of the named setting may appear in a report.
//
// Postgres requires a dot in the name of every setting it does not define itself, and
// defines none with a dot, so the name alone tells a built-in setting from a custom
// one, wherever the value was set (postgresql.conf, ALTER SYSTEM, ALTER DATABASE/ROLE
// ... SET). Custom settings are where applications keep their secrets (PostgREST's
// app.jwt_secret, myapp.apikey) and where extensions keep keys and salts, and
// pg_db_role_setting is readable by every role: their values are hidden, except those
// of a few known extension settings. Built-in settings keep their values (work_mem set
// for one role is useful to see); the secret-bearing ones among them (primary_conninfo,
// archive_command, ...) are redacted by RedactSetting.
func SettingShown(name string) bool {
	n := strings.ToLower(name)
	return !strings.Contains(n, ".") || shownCustom[n]
}

// builtinSetting reports whether name is one of the server's own settings (no dot; see
// SettingShown): its name is the server's vocabulary, not a user's, and stays as it is.
func builtinSetting(name string) bool { return name != "" && !strings.Contains(name, ".") }

// setting sanitizes one setting. Its name stays as it is: the server's own settings'
// names are its vocabulary, and a custom setting's name is what tells a reader why its
// value is hidden. The names pass decides whether the value is hidden; the text pass
// redacts a shown value and replaces the names inside it. An empty value stays empty:
// that nothing is set is no secret.
func (s *Sanitizer) setting(st checks.Setting, p pass) checks.Setting {
	if p == namesPass {
		if st.Value != "" && !SettingShown(string(st.Name)) {
			st.Value, st.Hidden = HiddenValue, true
		}
		return st
	}
	if st.Hidden {
		return st
	}
	st.Value = checks.Text(s.mask(s.Text(RedactSetting(string(st.Name), string(st.Value)))))
	return st
}
