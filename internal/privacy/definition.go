package privacy

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// DefinitionWithheld stands for a definition the SQL scanner could not read: it is never
// shown raw, since pgcheckup could not tell its literals from its names.
const DefinitionWithheld = "<definition withheld: not readable by the SQL scanner>"

// sqlEdit says what rewriteSQL changes in SQL text; the rest is copied byte for byte.
type sqlEdit struct {
	// literal, when set, is asked about every literal (its text as written, a sign
	// included) and returns its replacement, or false to keep it.
	literal func(lit string) (string, bool)
	// keepOptions keeps the literals of storage parameters (WITH (fillfactor='70')) and
	// the integers of type modifiers (::numeric(10,2)): settings and structure, not data.
	keepOptions bool
	comments    bool                // drop comments
	name        func(string) string // when set, replaces every identifier
	// words, when set, returns the offsets of tokens that are values though the scanner
	// sees words (the unquoted value of ALTER ... SET x TO word): they count as literals.
	words func(sql string, toks []*pg_query.ScanToken) (map[int]bool, error)
}

// rewriteSQL applies e to sql in a single scan. It is the one place that walks the
// scanner's tokens: query scrubbing, definitions and anonymization all go through it.
func rewriteSQL(sql string, e sqlEdit) (string, error) {
	res, err := pg_query.Scan(sql)
	if err != nil {
		return "", fmt.Errorf("scan sql: %w", err)
	}
	toks := res.Tokens
	var words map[int]bool
	if e.words != nil {
		if words, err = e.words(sql, toks); err != nil {
			return "", err
		}
	}
	var b strings.Builder
	last := 0
	keepDepth, typmodDepth := 0, 0 // inside WITH (...) / inside a cast's type modifier
	afterCast := false
	for i := 0; i < len(toks); i++ {
		tok := toks[i]
		start, end := int(tok.Start), int(tok.End)
		if start < last || end > len(sql) {
			return "", fmt.Errorf("scan sql: token offsets out of range")
		}
		kind := tok.Token
		switch {
		case kind == pg_query.Token_ASCII_40 && (keepDepth > 0 || e.keepOptions && i > 0 && toks[i-1].Token == pg_query.Token_WITH):
			keepDepth++
		case kind == pg_query.Token_ASCII_41 && keepDepth > 0:
			keepDepth--
		case kind == pg_query.Token_ASCII_40 && (typmodDepth > 0 || e.keepOptions && afterCast):
			typmodDepth++
		case kind == pg_query.Token_ASCII_41 && typmodDepth > 0:
			typmodDepth--
		}
		afterCast = kind == pg_query.Token_TYPECAST || afterCast && typeNameToken(tok)
		switch {
		case kind == pg_query.Token_SQL_COMMENT || kind == pg_query.Token_C_COMMENT:
			if e.comments {
				b.WriteString(sql[last:start])
				last = end
			}
		case e.literal != nil && (words[start] || keepDepth == 0 && !(typmodDepth > 0 && kind == pg_query.Token_ICONST) && literalStart(toks, i)):
			j := literalEnd(toks, i)
			lit := sql[start:toks[j].End]
			if repl, ok := e.literal(lit); ok {
				b.WriteString(sql[last:start])
				b.WriteString(repl)
				last = int(toks[j].End)
			}
			i = j
		case kind == pg_query.Token_IDENT && e.name != nil:
			b.WriteString(sql[last:start])
			b.WriteString(e.name(sql[start:end]))
			last = end
		}
	}
	b.WriteString(sql[last:])
	return b.String(), nil
}

func isLiteral(k pg_query.Token) bool {
	switch k {
	case pg_query.Token_SCONST, pg_query.Token_USCONST, pg_query.Token_BCONST, pg_query.Token_XCONST,
		pg_query.Token_FCONST, pg_query.Token_ICONST:
		return true
	}
	return false
}

// literalStart reports whether a literal begins at toks[i]: a constant, or a sign that
// belongs to the number after it (not a subtraction or addition).
func literalStart(toks []*pg_query.ScanToken, i int) bool {
	if isLiteral(toks[i].Token) {
		// The escape character of U&"ident" UESCAPE '!' is syntax, not data.
		return i == 0 || toks[i-1].Token != pg_query.Token_UESCAPE
	}
	if !isSign(toks[i].Token) || i+1 >= len(toks) {
		return false
	}
	if k := toks[i+1].Token; k != pg_query.Token_ICONST && k != pg_query.Token_FCONST {
		return false
	}
	return i == 0 || !operandEnd(toks[i-1])
}

// literalEnd returns the index of the last token of the literal that starts at toks[i]:
// the number after a sign, or the escape clause of a U&'...' string.
func literalEnd(toks []*pg_query.ScanToken, i int) int {
	if isSign(toks[i].Token) {
		return i + 1
	}
	if toks[i].Token == pg_query.Token_USCONST && i+2 < len(toks) &&
		toks[i+1].Token == pg_query.Token_UESCAPE && toks[i+2].Token == pg_query.Token_SCONST {
		return i + 2
	}
	return i
}

func isSign(k pg_query.Token) bool {
	return k == pg_query.Token_ASCII_45 || k == pg_query.Token_ASCII_43
}

// operandEnd reports whether a sign after tok is an operator: tok ends a value.
func operandEnd(tok *pg_query.ScanToken) bool {
	switch tok.Token {
	case pg_query.Token_IDENT, pg_query.Token_UIDENT, pg_query.Token_PARAM, pg_query.Token_ASCII_41, pg_query.Token_ASCII_93,
		pg_query.Token_NULL_P, pg_query.Token_TRUE_P, pg_query.Token_FALSE_P, pg_query.Token_CURRENT_DATE,
		pg_query.Token_CURRENT_TIME, pg_query.Token_CURRENT_TIMESTAMP, pg_query.Token_LOCALTIME, pg_query.Token_LOCALTIMESTAMP,
		pg_query.Token_CURRENT_USER, pg_query.Token_CURRENT_ROLE, pg_query.Token_SESSION_USER, pg_query.Token_USER,
		pg_query.Token_SYSTEM_USER, pg_query.Token_CURRENT_CATALOG, pg_query.Token_CURRENT_SCHEMA:
		return true
	}
	// Unreserved keywords can be column names (a column named "value").
	return isLiteral(tok.Token) || tok.KeywordKind != pg_query.KeywordKind_NO_KEYWORD && tok.KeywordKind != pg_query.KeywordKind_RESERVED_KEYWORD
}

// typeNameToken reports whether tok can be part of a type name after "::" (so that a
// "(" after it opens a type modifier): a word or a dot, never a reserved keyword.
func typeNameToken(tok *pg_query.ScanToken) bool {
	return tok.Token == pg_query.Token_IDENT || tok.Token == pg_query.Token_ASCII_46 ||
		tok.KeywordKind != pg_query.KeywordKind_NO_KEYWORD && tok.KeywordKind != pg_query.KeywordKind_RESERVED_KEYWORD
}

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
	}
	out, err := rewriteSQL(d, e)
	if err != nil {
		return DefinitionWithheld, nil
	}
	return out, lits
}

// definitionLiterals returns the literals that the definitions in v lose, to be removed
// from the outcome's findings, which checks write from the raw definitions.
func (s *Sanitizer) definitionLiterals(v reflect.Value, into map[string]bool) {
	if s.p.DefinitionLiterals || !v.IsValid() {
		return
	}
	if v.Type() == typeDefinition {
		_, lits := s.definition(v.String())
		for _, l := range lits {
			into[l] = true
			// checks.Code shows a newline as a space.
			into[strings.ReplaceAll(l, "\n", " ")] = true
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			s.definitionLiterals(v.Elem(), into)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				s.definitionLiterals(v.Field(i), into)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			s.definitionLiterals(v.Index(i), into)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			s.definitionLiterals(iter.Key(), into)
			s.definitionLiterals(iter.Value(), into)
		}
	}
}

// withoutLiterals replaces, inside the code spans of a finding's Markdown, the literals
// a definition of the same outcome lost, numbering them as the definition does. Other
// literals (statements pgcheckup wrote, such as pg_get_indexdef('i'::regclass)) stay.
// A span the scanner cannot read loses those literals by plain text replacement.
func withoutLiterals(md string, lits map[string]bool) string {
	if len(lits) == 0 {
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
		if err != nil {
			out = sql
			for l := range lits {
				if _, notNumber := strconv.ParseFloat(l, 64); notNumber != nil {
					out = strings.ReplaceAll(out, l, "$0")
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
