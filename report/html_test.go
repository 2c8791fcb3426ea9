package report

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/report/reporttest"
)

var urlAttr = regexp.MustCompile(`(?i)\s(href|src)\s*=\s*"([^"]*)"`)

// The renderer escapes Markdown from reports before goldmark sees it; goldmark's safe mode
// is the second lock. Fed the hostile Markdown as it is, it must drop raw HTML and empty
// javascript:, vbscript: and data: links (an image keeps its alt text and an empty src).
func TestGoldmarkDropsRawHTMLAndDangerousLinks(t *testing.T) {
	var out bytes.Buffer
	if err := md.Convert([]byte(reporttest.MarkdownPayload), &out); err != nil {
		t.Fatal(err)
	}
	got := strings.ToLower(out.String())
	for _, bad := range []string{"<script", "<img src=\"x", "<svg", "<div", "<a href=\"javascript", "onerror=", "onclick=", "onload="} {
		if strings.Contains(got, bad) {
			t.Errorf("goldmark wrote %q:\n%s", bad, out.String())
		}
	}
	links := 0
	for _, m := range urlAttr.FindAllStringSubmatch(out.String(), -1) {
		links++
		u := strings.ToLower(strings.Map(func(r rune) rune {
			if r <= ' ' {
				return -1 // browsers drop tabs, newlines and leading spaces in a scheme
			}
			return r
		}, html.UnescapeString(m[2])))
		for _, scheme := range []string{"javascript:", "vbscript:", "data:"} {
			if strings.HasPrefix(u, scheme) {
				t.Errorf("goldmark kept a %s link: %s", scheme, m[0])
			}
		}
	}
	if links == 0 {
		t.Fatalf("no links in the output: the test does not test what it says:\n%s", out.String())
	}
}
