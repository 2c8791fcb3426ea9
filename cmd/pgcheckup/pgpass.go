package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// libpq ignores a password file that its group or others can access, and says so. pgx
// reads any password file without looking at its mode, so pgcheckup checks the file
// pgx would read before pgx parses the connection string, and when the file is not
// safe points pgx at an empty one instead (see nodeConfig). Checking first and
// redirecting, rather than clearing a password after the parse, keeps a password that
// the connection string or PGPASSWORD gave, even when it equals the one in the file.

// passfileProblem returns libpq's warning when the password file at path must not be
// used, or "" when it may be (or does not exist, which libpq passes over in silence).
func passfileProblem(path string) string {
	if runtime.GOOS == "windows" {
		return "" // libpq does not check the mode on Windows either
	}
	st, err := os.Stat(path)
	if err != nil {
		return ""
	}
	if !st.Mode().IsRegular() {
		return fmt.Sprintf("password file %q is not a plain file", path)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return fmt.Sprintf("password file %q has group or world access; permissions should be u=rw (0600) or less", path)
	}
	return ""
}

// passfilePath is the password file pgx would read for cs: the passfile parameter of
// the string, else PGPASSFILE, else .pgpass in the home directory (found as pgx finds
// it, from $HOME). A passfile named in a service file is not looked at.
func passfilePath(cs string) string {
	if p, ok := connParam(cs, "passfile"); ok {
		return p
	}
	if p, ok := os.LookupEnv("PGPASSFILE"); ok {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".pgpass")
}

// withoutPassfile makes pgx read no password file for cs: a later passfile parameter
// wins over an earlier one in both forms of connection string.
func withoutPassfile(cs string) string {
	if isURI(cs) {
		sep := "?"
		if strings.Contains(cs, "?") {
			sep = "&"
		}
		return cs + sep + "passfile=" + url.QueryEscape(os.DevNull)
	}
	return strings.TrimSpace(cs + " passfile='" + os.DevNull + "'")
}

func isURI(cs string) bool {
	return strings.HasPrefix(cs, "postgres://") || strings.HasPrefix(cs, "postgresql://")
}

// connParam returns the last value of key in cs. A string pgx will refuse anyway may
// give a wrong answer here; the parse error is what the user then sees.
func connParam(cs, key string) (string, bool) {
	if isURI(cs) {
		return uriParam(cs, key)
	}
	return keywordParam(cs, key)
}

// uriParam reads key from the query of a connection URI. Like libpq, the user
// information ends at the first "@" met before any "/", and may hold a "?".
func uriParam(cs, key string) (string, bool) {
	p := cs[strings.Index(cs, "://")+3:]
	if i := strings.IndexAny(p, "@/"); i >= 0 && p[i] == '@' {
		p = p[i+1:]
	}
	_, query, ok := strings.Cut(p, "?")
	if !ok {
		return "", false
	}
	var val string
	found := false
	for _, pair := range strings.Split(query, "&") {
		k, v, _ := strings.Cut(pair, "=")
		k, err1 := url.PathUnescape(strings.Trim(k, " "))
		v, err2 := url.PathUnescape(strings.Trim(v, " "))
		if err1 == nil && err2 == nil && k == key {
			val, found = v, true
		}
	}
	return val, found
}

// keywordParam reads key from a keyword/value string with libpq's rules: values are
// unquoted up to the next white space or single-quoted, and a backslash escapes the
// next character in both.
func keywordParam(cs, key string) (string, bool) {
	const space = " \t\n\r\v\f"
	var val string
	found := false
	s := strings.TrimLeft(cs, space)
	for s != "" {
		eq := strings.IndexByte(s, '=')
		if eq < 0 {
			break
		}
		k := strings.Trim(s[:eq], space)
		s = strings.TrimLeft(s[eq+1:], space)
		var v strings.Builder
		quoted := strings.HasPrefix(s, "'")
		if quoted {
			s = s[1:]
		}
		i := 0
		for ; i < len(s); i++ {
			c := s[i]
			if quoted && c == '\'' || !quoted && strings.IndexByte(space, c) >= 0 {
				break
			}
			if c == '\\' && i+1 < len(s) {
				i++
				c = s[i]
			} else if c == '\\' {
				break
			}
			v.WriteByte(c)
		}
		if quoted && i >= len(s) {
			break // unterminated: pgx refuses the string
		}
		if quoted {
			i++
		}
		if k == key {
			val, found = v.String(), true
		}
		s = strings.TrimLeft(s[min(i, len(s)):], space)
	}
	return val, found
}
