package checks

import "strings"

// Markdown helpers for conclusions and recommendations. Object names come from the
// database and may hold any character (a table named "<script>", an index named "a|b`c"),
// so they are never pasted into Markdown as they are.

// Code renders s as an inline code span that survives any content: the fence is longer
// than the longest run of backticks inside, and a pipe is escaped so tables hold.
func Code(s string) string {
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
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\n", " ")
	if longest > 0 || strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// Esc escapes s so that Markdown shows it literally, inline or in a table cell.
func Esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '#', '!', '|', '~', '&':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n', '\r':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
