package checks

import (
	"fmt"
	"strings"
	"unicode"
)

// Markdown helpers for conclusions and recommendations. Object names come from the
// database and may hold any character (a table named "<script>", an index named "a|b`c",
// a role named with a right-to-left override), so they are never pasted into Markdown as
// they are.

// Code renders s as an inline code span that survives any content: the fence is longer
// than the longest run of backticks inside, a pipe is escaped so tables hold, and hidden
// characters are shown as escapes (see Visible).
func Code(s string) string {
	s = Visible(strings.ReplaceAll(s, "\n", " "))
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	s = EscapePipes(s)
	if longest > 0 || strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// EscapePipes makes every pipe in s escaped for a table cell, code spans included: GFM
// splits a row at a pipe preceded by an even number of backslashes (none included), so
// one more backslash goes before such a pipe. The table parser removes it again.
func EscapePipes(s string) string {
	if !strings.Contains(s, "|") {
		return s
	}
	var b strings.Builder
	run := 0 // backslashes just before
	for i := range len(s) {
		c := s[i]
		if c == '|' && run%2 == 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
		if c == '\\' {
			run++
		} else {
			run = 0
		}
	}
	return b.String()
}

// Esc escapes s so that Markdown shows it literally, inline or in a table cell. A line
// feed becomes a space (server messages span lines); hidden characters become escapes.
func Esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteByte(' ')
		case Hidden(r):
			writeEscape(&b, r)
		case strings.ContainsRune("\\`*_[]<>#!|~&", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Visible returns s with every hidden character written as an escape a reader can see:
// `\r`, `\u202E`, `\U000E0041`. It does not escape Markdown; it is for text that is
// already safe in its context (code, HTML text) but must not hide or reorder anything.
func Visible(s string) string {
	if !strings.ContainsFunc(s, Hidden) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if Hidden(r) {
			writeEscape(&b, r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Hidden reports whether r is a character a reader cannot see or that changes how the
// text around it is shown: control characters (a carriage return ends a Markdown table
// row), format characters (bidi overrides and isolates, zero-width spaces and joiners,
// the byte order mark, tag characters) and the Unicode line and paragraph separators.
// Line feed and tab are ordinary text.
func Hidden(r rune) bool {
	if r == '\n' || r == '\t' {
		return false
	}
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

func writeEscape(b *strings.Builder, r rune) {
	switch {
	case r == '\r':
		b.WriteString(`\r`)
	case r > 0xFFFF:
		fmt.Fprintf(b, `\U%08X`, r)
	default:
		fmt.Fprintf(b, `\u%04X`, r)
	}
}
