package privacy

import (
	"regexp"
	"strings"
)

// Stars replaces every secret pgcheckup removes.
const Stars = "*****"

// secretSettings hold connection strings or shell commands that often carry passwords or
// keys. Their values are always passed through redactSecrets, and a value of one of them
// that cannot be shown safely is replaced as a whole.
var secretSettings = map[string]bool{
	"primary_conninfo":        true,
	"archive_command":         true,
	"restore_command":         true,
	"archive_cleanup_command": true,
	"recovery_end_command":    true,
	"ssl_passphrase_command":  true,
	"archive_library":         false,
}

// IsSecretSetting reports whether a setting's value is treated as secret-bearing.
func IsSecretSetting(name string) bool { return secretSettings[strings.ToLower(name)] }

var secretPatterns = []*regexp.Regexp{
	// key=value and key: value pairs in conninfo strings, env assignments and options:
	// password=..., PGPASSWORD=..., AWS_SECRET_ACCESS_KEY=..., --token=..., api_key: ...
	// An unquoted value ends at a backtick: in Markdown that closes the code span the
	// value stands in ("myapp token=abc" as an application name).
	regexp.MustCompile(`(?i)((?:[a-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|auth)[a-z0-9_.-]*)["']?\s*[=:]\s*)('(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.)*"|[^\s'";&|` + "`" + `]+)`),
	// user:password@host in URLs.
	regexp.MustCompile(`(?i)([a-z][a-z0-9+.-]*://[^:/@\s]+:)([^@\s/]+)(@)`),
	// -p/--password, --secret-key, --token ... followed by a separate word in a command line.
	regexp.MustCompile(`(?i)((?:^|\s)(?:-p|--?[a-z0-9-]*(?:pass|secret|token|key|auth)[a-z0-9-]*)\s+)('[^']*'|"[^"]*"|[^\s-]\S*)`),
	// user:password after -u/--user (curl, wget and friends).
	regexp.MustCompile(`((?:^|\s)(?:-u|--user|--proxy-user)[\s=]+'?[^:\s']+:)('[^']*'|[^\s']+)`),
}

// RedactSecrets replaces the values of anything that looks like a secret assignment,
// keeping the structure (password=*****) so the reader still sees what is configured.
func RedactSecrets(s string) string {
	for i, re := range secretPatterns {
		if i == 1 {
			s = re.ReplaceAllString(s, "${1}"+Stars+"${3}")
			continue
		}
		s = re.ReplaceAllString(s, "${1}"+Stars)
	}
	return s
}

// RedactSetting redacts the value of a setting. Secret-bearing settings keep only their
// structure: conninfo keywords other than the harmless ones are starred.
func RedactSetting(name, value string) string {
	value = RedactSecrets(value)
	if !IsSecretSetting(name) || value == "" {
		return value
	}
	if strings.EqualFold(name, "primary_conninfo") {
		return redactConninfo(value)
	}
	return value
}

// conninfoShown are the primary_conninfo keywords that help a DBA and hold no secret.
var conninfoShown = map[string]bool{
	"host": true, "hostaddr": true, "port": true, "user": true, "dbname": true, "application_name": true,
	"sslmode": true, "connect_timeout": true, "channel_binding": true, "target_session_attrs": true,
	"keepalives": true, "keepalives_idle": true, "keepalives_interval": true, "keepalives_count": true,
	"sslcompression": true, "gssencmode": true, "sslsni": true, "passfile": true, "krbsrvname": true,
}

var conninfoPair = regexp.MustCompile(`([A-Za-z_]+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)`)

func redactConninfo(v string) string {
	return conninfoPair.ReplaceAllStringFunc(v, func(pair string) string {
		m := conninfoPair.FindStringSubmatch(pair)
		if conninfoShown[strings.ToLower(m[1])] {
			return pair
		}
		return m[1] + "=" + Stars
	})
}
