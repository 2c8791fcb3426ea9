package privacy

import (
	"regexp"
	"strings"
	"unicode/utf8"
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
	if !mayHoldSecret(s) {
		return s
	}
	return redactAll(s)
}

// redactAll runs every pattern of secretPatterns over s.
func redactAll(s string) string {
	for i, re := range secretPatterns {
		switch i {
		case 0:
			s = redactPairs(re, s)
		case 1:
			s = re.ReplaceAllString(s, "${1}"+Stars+"${3}")
		default:
			s = re.ReplaceAllString(s, "${1}"+Stars)
		}
	}
	return s
}

// secretMarks are what every pattern of secretPatterns needs (lower case): a keyword of
// the first and third, the "://" of the second, the option of the third or fourth.
var secretMarks = []string{"pass", "pwd", "secret", "token", "key", "credential", "auth", "://", "-p", "-u"}

// mayHoldSecret is false when no pattern of secretPatterns can match s. Every string of
// a report passes through RedactSecrets, and most (names, numbers, plain messages) have
// neither "=", ":" nor "-": the patterns, which backtrack, are run only on the others.
func mayHoldSecret(s string) bool {
	if !strings.ContainsAny(s, "=:-") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			// the patterns fold case as Unicode does ("ſ" matches "s"): only ASCII is
			// judged here
			return true
		}
	}
	l := strings.ToLower(s)
	for _, m := range secretMarks {
		if strings.Contains(l, m) {
			return true
		}
	}
	return false
}

// redactPairs stars the values of key=value and key: value pairs, except where "key:" is
// the end of a phrase rather than a key: pgx says `failed SASL auth: FATAL: password
// authentication failed`, and starring the next word there hides the server's message
// and no secret. A key written with "=", quoted, or starting a line, an object or a
// list item ("password: x", {"api_key": "x"}, `-H 'X-Auth-Token: x'`) is still a key.
func redactPairs(re *regexp.Regexp, s string) string {
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
		start, valStart, end := m[0], m[4], m[1]
		if !strings.Contains(s[start:valStart], "=") && endsPhrase(s[:start]) && !passwordKey.MatchString(s[start:valStart]) {
			continue
		}
		b.WriteString(s[last:valStart])
		b.WriteString(Stars)
		last = end
	}
	b.WriteString(s[last:])
	return b.String()
}

// passwordKey: keys whose value is a secret even at the end of a phrase ("the password:
// hunter2"); only "auth" and "token" are also ordinary words of error messages.
var passwordKey = regexp.MustCompile(`(?i)pass|pwd|secret|key|credential`)

// endsPhrase reports whether a key that follows before is the last word of a phrase:
// a word, then spaces, then the key.
func endsPhrase(before string) bool {
	t := strings.TrimRight(before, " \t")
	if len(t) == len(before) || t == "" {
		return false
	}
	r := t[len(t)-1]
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r >= 0x80
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
