package report

import (
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

// Conclusions and recommendations are Markdown by design: checks write prose, names in
// checks.Code spans and, in recommendations, fenced SQL. From a report.json written by
// anyone they may hold anything, so the renderer keeps only that shape: code spans and
// fenced blocks pass as they are (their content is literal), hidden characters become
// visible escapes, and outside code "<", "&" and "[" are escaped, so no raw HTML,
// autolink, entity, link, image or link definition survives.

// markdownCell fits Markdown from a report into one table cell: one line, every pipe
// escaped.
func markdownCell(s string) string {
	s = strings.ReplaceAll(lines(s), "\n", " ")
	return checks.EscapePipes(inline(checks.Visible(s)))
}

// markdownBlock renders Markdown from a report inside a list item: fenced blocks are kept
// (and closed if the text leaves one open, so it cannot swallow what follows), other lines
// are escaped, and every line is indented under the item.
func markdownBlock(s string) string {
	var out []string
	fence := ""
	for _, line := range strings.Split(checks.Visible(lines(s)), "\n") {
		switch f := fenceOf(line); {
		case fence == "" && f != "":
			fence = f
		case fence != "" && closes(line, fence):
			fence = ""
		case fence == "":
			line = inline(line)
		}
		out = append(out, line)
	}
	if fence != "" {
		out = append(out, fence)
	}
	return strings.Join(out, "\n  ")
}

// lines turns every line break (CR LF, CR) into LF: a lone CR also ends a line in Markdown.
func lines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// fenceOf returns the fence a line opens (three or more backticks or tildes after at most
// three spaces; a backtick fence's info string holds no backtick), or "".
func fenceOf(line string) string {
	s := strings.TrimLeft(line, " ")
	if len(line)-len(s) > 3 {
		return ""
	}
	for _, c := range "`~" {
		n := len(s) - len(strings.TrimLeft(s, string(c)))
		if n >= 3 && !(c == '`' && strings.Contains(s[n:], "`")) {
			return s[:n]
		}
	}
	return ""
}

// closes reports whether line closes a block opened by fence: the same character, at
// least as many, nothing else.
func closes(line, fence string) bool {
	f := fenceOf(line)
	return f != "" && f[0] == fence[0] && len(f) >= len(fence) && strings.TrimSpace(line) == f
}

// inline escapes "<", "&" and "[" outside code spans in one line of Markdown, leaving
// backslash escapes and code spans as they are.
func inline(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			b.WriteString(s[i : i+2])
			i += 2
		case c == '`':
			n := len(s[i:]) - len(strings.TrimLeft(s[i:], "`"))
			end := i + n
			if j := closingRun(s, i+n, n); j >= 0 {
				end = j + n
			}
			b.WriteString(s[i:end])
			i = end
		case c == '<' || c == '&' || c == '[':
			b.WriteByte('\\')
			b.WriteByte(c)
			i++
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// closingRun finds the next run of exactly n backticks at or after from, or -1.
func closingRun(s string, from, n int) int {
	for i := from; i < len(s); {
		if s[i] != '`' {
			i++
			continue
		}
		run := len(s[i:]) - len(strings.TrimLeft(s[i:], "`"))
		if run == n {
			return i
		}
		i += run
	}
	return -1
}
