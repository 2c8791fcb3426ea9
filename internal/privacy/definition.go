package privacy

import (
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// DefinitionWithheld stands for a definition the SQL scanner could not read: it is never
// shown raw, since pgcheckup could not tell its literals from its names.
const DefinitionWithheld = "<definition withheld: not readable by the SQL scanner>"

// definition rewrites server-generated SQL (an index definition, a CHECK constraint, a
// default) as the policy says, in one pass: literals become $1, $2, ... unless the
// report opts in to them, and names become pseudonyms when anonymizing. It also returns
// the literals it replaced, so they can be withheld from the findings' text too.
func (s *Sanitizer) definition(d string) (string, []string) {
	e := sqlEdit{comments: true, keepOptions: true}
	var lits []string
	if !s.p.DefinitionLiterals {
		e.literal = func(lit string) (string, bool) {
			lits = append(lits, lit)
			return "$" + strconv.Itoa(len(lits)), true
		}
	}
	if s.p.Anonymizer != nil {
		e.name = s.p.Anonymizer.identifier
		e.keyword = s.p.Anonymizer.definitionKeyword
	}
	out, err := rewriteSQL(d, e)
	if err != nil {
		return DefinitionWithheld, nil
	}
	return out, lits
}

// withheld is what the definitions of one outcome lose, to be removed from its findings
// too: checks write those from the raw definitions.
type withheld struct {
	lits       map[string]bool // literals, as written
	unreadable bool            // some definition could not be scanned
}

// definitionLiterals collects into w what the definitions in v lose.
func (s *Sanitizer) definitionLiterals(v reflect.Value, w *withheld) {
	if s.p.DefinitionLiterals || !v.IsValid() {
		return
	}
	if v.Type() == typeDefinition {
		out, lits := s.definition(v.String())
		w.unreadable = w.unreadable || out == DefinitionWithheld
		for _, l := range lits {
			w.lits[l] = true
			// checks.Code shows a newline as a space.
			w.lits[strings.ReplaceAll(l, "\n", " ")] = true
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			s.definitionLiterals(v.Elem(), w)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				s.definitionLiterals(v.Field(i), w)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			s.definitionLiterals(v.Index(i), w)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			s.definitionLiterals(iter.Key(), w)
			s.definitionLiterals(iter.Value(), w)
		}
	}
}

// withoutLiterals replaces, inside the code spans of a finding's Markdown, the literals
// the definitions of the same outcome lost, numbering them as the definition does. Other
// literals (statements pgcheckup wrote, such as pg_get_indexdef('i'::regclass)) stay.
// A span the scanner cannot read loses those literals by plain text replacement, or
// goes whole when a definition could not be read either (it is most likely that one).
func withoutLiterals(md string, w withheld) string {
	lits := w.lits
	if len(lits) == 0 && !w.unreadable {
		return md
	}
	return eachCodeSpan(md, func(span string) string {
		sql := strings.ReplaceAll(span, `\|`, "|") // undo checks.Code's escaping of pipes
		n := 0
		out, err := rewriteSQL(sql, sqlEdit{literal: func(lit string) (string, bool) {
			if !lits[lit] {
				return "", false
			}
			n++
			return "$" + strconv.Itoa(n), true
		}})
		if err != nil && w.unreadable {
			return DefinitionWithheld
		}
		if err != nil {
			out, n = sql, 0
			for _, l := range slices.Sorted(maps.Keys(lits)) { // a stable numbering across runs
				if _, notNumber := strconv.ParseFloat(l, 64); notNumber != nil {
					n++
					out = strings.ReplaceAll(out, l, "$"+strconv.Itoa(n))
				}
			}
		}
		return strings.ReplaceAll(out, "|", `\|`)
	})
}

// eachCodeSpan rewrites the content of every inline code span of Markdown text.
func eachCodeSpan(md string, fn func(string) string) string {
	var b strings.Builder
	for i := 0; i < len(md); {
		switch {
		case md[i] == '\\' && i+1 < len(md):
			b.WriteString(md[i : i+2]) // an escaped backtick opens no span
			i += 2
			continue
		case md[i] != '`':
			b.WriteByte(md[i])
			i++
			continue
		}
		n := backticks(md, i)
		closing := -1
		for j := i + n; j < len(md); {
			k := strings.IndexByte(md[j:], '`')
			if k < 0 {
				break
			}
			if m := backticks(md, j+k); m == n {
				closing = j + k
				break
			} else {
				j += k + m
			}
		}
		if closing < 0 {
			b.WriteString(md[i : i+n])
			i += n
			continue
		}
		content := md[i+n : closing]
		pad := ""
		if len(content) >= 2 && content[0] == ' ' && content[len(content)-1] == ' ' {
			pad, content = " ", content[1:len(content)-1]
		}
		b.WriteString(md[i:i+n] + pad + fn(content) + pad + md[i:i+n])
		i = closing + n
	}
	return b.String()
}

func backticks(s string, i int) int {
	n := 0
	for i+n < len(s) && s[i+n] == '`' {
		n++
	}
	return n
}
