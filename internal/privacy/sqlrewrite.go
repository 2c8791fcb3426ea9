package privacy

import (
	"fmt"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

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
	// keyword, when set, is asked about every non-reserved keyword outside a cast's
	// type: an object named rows or schema is written unquoted and scans as a keyword.
	// It returns the replacement when the word is a name there.
	keyword func(word string) (string, bool)
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
		case e.keyword != nil && !afterCast && tok.KeywordKind != pg_query.KeywordKind_NO_KEYWORD &&
			tok.KeywordKind != pg_query.KeywordKind_RESERVED_KEYWORD:
			if repl, ok := e.keyword(sql[start:end]); ok {
				b.WriteString(sql[last:start])
				b.WriteString(repl)
				last = end
			}
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
