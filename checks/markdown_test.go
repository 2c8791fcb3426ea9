package checks

import (
	"strings"
	"testing"
)

// hidden are characters a reader cannot see or that reorder what they see: a name holding
// one must look different from the name without it.
var hidden = []rune{
	'\r', '\x00', '\x1b', '\x7f', '\u0085', // controls
	'\u202a', '\u202b', '\u202c', '\u202d', '\u202e', // bidi embeddings and overrides
	'\u2066', '\u2067', '\u2068', '\u2069', // bidi isolates
	'\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', // zero-width
	'\u200e', '\u200f', '\u061c', '\u00ad', '\u2028', '\u2029', '\U000e0041', // marks, separators, tags
}

func TestEscAndCodeShowHiddenCharacters(t *testing.T) {
	for _, r := range hidden {
		name := "a" + string(r) + "b"
		for fn, render := range map[string]func(string) string{"Esc": Esc, "Code": Code} {
			got := render(name)
			if strings.ContainsRune(got, r) {
				t.Errorf("%s(%q) = %q: the character is still there, unseen", fn, name, got)
			}
			if !strings.Contains(got, `\u`) && !strings.Contains(got, `\U`) && !strings.Contains(got, `\r`) {
				t.Errorf("%s(%q) = %q: no visible escape", fn, name, got)
			}
		}
	}
	if got := Code("t\u202eab"); got != "`t\\u202Eab`" {
		t.Errorf("Code: got %q", got)
	}
	if got := Esc("t\u200bx"); got != `t\u200Bx` {
		t.Errorf("Esc: got %q", got)
	}
	if got := Visible("a\u202eb\nc\td"); got != "a\\u202Eb\nc\td" {
		t.Errorf("Visible keeps newline and tab, shows the rest: got %q", got)
	}
}

// A name holding a line break or a pipe must stay inside its table cell.
func TestEscAndCodeStayInOneCell(t *testing.T) {
	for _, name := range []string{"a|b", "a\rb", "a\nb", "a\r\nb", "a\\|b", "a\\", "`a|b`", "a\u2028b"} {
		for fn, render := range map[string]func(string) string{"Esc": Esc, "Code": Code} {
			got := render(name)
			if strings.ContainsAny(got, "\r\n\u2028\u2029") {
				t.Errorf("%s(%q) = %q: breaks the line", fn, name, got)
			}
			for i := range len(got) {
				if got[i] == '|' && backslashesBefore(got, i)%2 == 0 {
					t.Errorf("%s(%q) = %q: unescaped pipe splits the cell", fn, name, got)
				}
			}
		}
	}
}

// backslashesBefore counts the backslashes just before s[i]: GFM splits a table row at a
// pipe with an even number of them, code spans included.
func backslashesBefore(s string, i int) int {
	n := 0
	for i--; i >= 0 && s[i] == '\\'; i-- {
		n++
	}
	return n
}
