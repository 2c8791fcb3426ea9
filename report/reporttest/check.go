package reporttest

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

// CheckMarkdown fails t where md (one Markdown file pgcheckup wrote) is not intact and
// inert: a hidden character left raw, a table row with another cell count than its
// header, raw HTML or an autolink outside code, a link that is not pgcheckup's own.
func CheckMarkdown(t testing.TB, name, md string) {
	t.Helper()
	t = &capped{TB: t, left: 5}
	hidden(t, name, md)
	lines := strings.Split(md, "\n")
	fence := ""
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if f := fenceOf(line); f != "" && (fence == "" || strings.HasPrefix(f, fence) && strings.TrimLeft(strings.TrimSpace(line), f[:1]) == "") {
			if fence == "" {
				fence = f
			} else {
				fence = ""
			}
			continue
		}
		if fence != "" {
			continue
		}
		if i+1 < len(lines) && strings.HasPrefix(line, "|") && strings.HasPrefix(lines[i+1], "|---") {
			want := cells(line)
			for ; i < len(lines) && lines[i] != ""; i++ {
				if !strings.HasPrefix(lines[i], "|") || cells(lines[i]) != want {
					t.Errorf("%s:%d: table row with %d cells, header has %d: %q", name, i+1, cells(lines[i]), want, lines[i])
				}
				inline(t, name, i+1, lines[i])
			}
			continue
		}
		inline(t, name, i+1, line)
	}
	if fence != "" {
		t.Errorf("%s: fenced code block %q never closed", name, fence)
	}
}

// fenceOf returns the fence a line opens or closes (``` or ~~~, any length), or "".
func fenceOf(line string) string {
	s := strings.TrimLeft(line, " ")
	for _, c := range "`~" {
		n := len(s) - len(strings.TrimLeft(s, string(c)))
		if n >= 3 {
			return s[:n]
		}
	}
	return ""
}

// cells counts a table row's cells the way GitHub does: a pipe preceded by an even
// number of backslashes (none included) separates cells, inside code spans as well.
func cells(line string) int {
	n := 0
	for i := range len(line) {
		if line[i] == '|' && backslashes(line, i)%2 == 0 {
			n++
		}
	}
	return n - 1
}

func backslashes(s string, i int) int {
	n := 0
	for i--; i >= 0 && s[i] == '\\'; i-- {
		n++
	}
	return n
}

var ownLink = regexp.MustCompile(`^\[[A-Z][0-9]{3}\]\(#[\p{L}\p{N}_-]+\)`)

// inline checks one line outside code blocks: outside code spans, no unescaped "<" (raw
// HTML, autolinks), "&" (entities can spell hidden characters) or "[" (links, images)
// unless it is pgcheckup's own link to a check.
func inline(t testing.TB, name string, n int, line string) {
	t.Helper()
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c == '`' && backslashes(line, i)%2 == 0 {
			run := len(line[i:]) - len(strings.TrimLeft(line[i:], "`"))
			if end := closing(line, i+run, run); end >= 0 {
				i = end + run - 1
				continue
			}
			i += run - 1
			continue
		}
		if strings.IndexByte("<&[", c) < 0 || backslashes(line, i)%2 == 1 {
			continue
		}
		if c == '[' && ownLink.MatchString(line[i:]) {
			continue
		}
		t.Errorf("%s:%d: unescaped %q outside code: %q", name, n, c, line)
		return
	}
}

// closing finds the backtick run of exactly n that closes a code span opened before from.
func closing(s string, from, n int) int {
	for i := from; i < len(s); i++ {
		if s[i] != '`' {
			continue
		}
		run := len(s[i:]) - len(strings.TrimLeft(s[i:], "`"))
		if run == n {
			return i
		}
		i += run - 1
	}
	return -1
}

func hidden(t testing.TB, name, s string) {
	t.Helper()
	for i, r := range s {
		if checks.Hidden(r) {
			t.Errorf("%s: raw %U at byte %d: %q", name, r, i, s[max(0, i-40):min(len(s), i+40)])
			return
		}
	}
}

var (
	scriptRe = regexp.MustCompile(`(?is)<script\b[^>]*>(.*?)</script\s*>`)
	tagRe    = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>`)
	attrRe   = regexp.MustCompile(`([^\s=/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?`)
	idRe     = regexp.MustCompile(`\sid="([^"]*)"`)
	styleOK  = regexp.MustCompile(`^(height:\d+px|text-align:(left|right|center))$`)
)

// elements and attributes pgcheckup's page and goldmark's safe output use; anything else
// came from the report.
var (
	elements = map[string]bool{"html": true, "head": true, "meta": true, "title": true, "style": true,
		"body": true, "nav": true, "main": true, "section": true, "figure": true, "figcaption": true,
		"div": true, "span": true, "strong": true, "em": true, "del": true, "a": true, "code": true,
		"pre": true, "p": true, "br": true, "hr": true, "ul": true, "ol": true, "li": true,
		"blockquote": true, "table": true, "thead": true, "tbody": true, "tr": true, "th": true,
		"td": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
		// the overview, the collapsing checks, long tables' expanders, the menu at 400 px
		"b": true, "details": true, "summary": true, "input": true, "label": true, "select": true, "option": true}
	attributes = map[string]bool{"lang": true, "charset": true, "name": true, "content": true,
		"http-equiv": true, "id": true, "class": true, "href": true, "style": true,
		"open": true, "type": true, "for": true, "value": true, "title": true, "placeholder": true,
		"aria-label": true, "data-sev": true, "data-rank": true}
	// attrOK limits the values of the attributes the page's own markup uses.
	attrOK = map[string]*regexp.Regexp{
		"type":      regexp.MustCompile(`^(checkbox|search)$`),
		"value":     regexp.MustCompile(`^[0-9]$`),
		"data-sev":  regexp.MustCompile(`^(P1|P2|P3|info|)$`),
		"data-rank": regexp.MustCompile(`^[0-4]$`),
		"open":      regexp.MustCompile(`^$`),
	}
)

// CheckHTML fails t where page (report.html) is not inert: a script other than the two
// chart scripts and the page script (filter, search, sorting), an element or attribute pgcheckup does not write (event handlers,
// images, frames), a link that is not to an anchor on the page, a hidden character.
func CheckHTML(t testing.TB, page string) {
	t.Helper()
	t = &capped{TB: t, left: 10}
	hidden(t, "report.html", page)
	scripts := scriptRe.FindAllStringSubmatch(page, -1)
	if n := len(scripts); n == 0 || !strings.HasPrefix(strings.TrimSpace(scripts[n-1][1]), "(function pgcheckupPage() {") {
		t.Errorf("report.html: the page script is not the last script")
	} else {
		scripts = scripts[:n-1]
	}
	if len(scripts) > 2 || len(scripts) == 2 && !strings.HasPrefix(scripts[1][1], "\necharts.init(") {
		t.Errorf("report.html: %d scripts, want the two chart scripts and the page script", len(scripts))
	}
	rest := scriptRe.ReplaceAllString(page, "")
	if strings.Contains(strings.ToLower(rest), "<script") {
		t.Errorf("report.html: a <script outside the chart scripts")
	}
	ids := map[string]bool{}
	for _, m := range idRe.FindAllStringSubmatch(rest, -1) {
		ids[html.UnescapeString(m[1])] = true
	}
	for _, m := range tagRe.FindAllStringSubmatch(rest, -1) {
		tag := strings.ToLower(m[1])
		if !elements[tag] {
			t.Errorf("report.html: element %q: %.120s", tag, m[0])
		}
		for _, a := range attrRe.FindAllStringSubmatch(m[2], -1) {
			name := strings.ToLower(a[1])
			value := html.UnescapeString(strings.Trim(a[2], `"'`))
			switch {
			case !attributes[name]:
				t.Errorf("report.html: attribute %q in %.120s", name, m[0])
			case attrOK[name] != nil && !attrOK[name].MatchString(value):
				t.Errorf("report.html: %s=%q in %.120s", name, value, m[0])
			case name == "href" && !(strings.HasPrefix(value, "#") && ids[value[1:]]):
				t.Errorf("report.html: link to %q, not to an anchor on the page: %.120s", value, m[0])
			case name == "style" && !(tag == "div" || tag == "th" || tag == "td") || name == "style" && !styleOK.MatchString(value):
				t.Errorf("report.html: style %q on %s", value, tag)
			}
		}
	}
}

// capped reports the first few errors of a file: one broken escape breaks every row.
type capped struct {
	testing.TB
	left int
}

func (c *capped) Errorf(format string, args ...any) {
	c.TB.Helper()
	if c.left--; c.left >= 0 {
		c.TB.Errorf(format, args...)
	} else if c.left == -1 {
		c.TB.Errorf("(more errors in this file)")
	}
}
