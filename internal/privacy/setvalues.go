package privacy

import (
	"fmt"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// scrubSetValues replaces by $0 the values of SET clauses in q (see setValues); the
// rest of q is left as it is, for the scan that removes literals and comments.
func scrubSetValues(q string) (string, error) {
	if !strings.Contains(strings.ToLower(q), "set") {
		return q, nil // most statements: no second scan
	}
	res, err := pg_query.Scan(q)
	if err != nil {
		return "", fmt.Errorf("scan sql: %w", err)
	}
	values, err := setValues(q, res.Tokens)
	if err != nil || len(values) == 0 {
		return q, err
	}
	var b strings.Builder
	last := 0
	toks := res.Tokens
	for i := 0; i < len(toks); i++ {
		tok := toks[i]
		start, end := int(tok.Start), int(tok.End)
		if start < last || end > len(q) {
			return "", fmt.Errorf("scan sql: token offsets out of range")
		}
		if values[start] {
			// A signed number (TO -5) starts at its sign: the value ends after the number.
			if (tok.Token == pg_query.Token_ASCII_45 || tok.Token == pg_query.Token_ASCII_43) && i+1 < len(toks) {
				i++
				if end = int(toks[i].End); end > len(q) {
					return "", fmt.Errorf("scan sql: token offsets out of range")
				}
			}
			b.WriteString(q[last:start])
			b.WriteString("$0")
			last = end
		}
	}
	b.WriteString(q[last:])
	return b.String(), nil
}

// setValues returns the byte offsets at which the values of SET clauses start in q:
// SET, SET LOCAL, ALTER SYSTEM/DATABASE/ROLE ... SET, and the SET clauses of
// ALTER/CREATE FUNCTION and PROCEDURE. pg_query's normalization replaces the values of a
// plain SET but keeps those nested in the other statements, and the scanner alone sees an
// unquoted value (TO sk_live_x) as a word like any other: only the parse tree tells the
// value of `ALTER DATABASE d SET app.jwt_secret TO sk_live_x` from the column of
// `UPDATE t SET a = b`. Statements without a SET token are not parsed again.
func setValues(q string, tokens []*pg_query.ScanToken) (map[int]bool, error) {
	hasSet := false
	for _, tok := range tokens {
		if tok.Token == pg_query.Token_SET {
			hasSet = true
			break
		}
	}
	if !hasSet {
		return nil, nil
	}
	tree, err := pg_query.Parse(q)
	if err != nil {
		return nil, fmt.Errorf("parse normalized text: %w", err)
	}
	out := map[int]bool{}
	walkSetStmts(tree.ProtoReflect(), func(v *pg_query.VariableSetStmt) {
		if v.Kind != pg_query.VariableSetKind_VAR_SET_VALUE {
			return // DEFAULT, FROM CURRENT, RESET, SET TRANSACTION ...: no value of the user's
		}
		for _, arg := range v.Args {
			if c := arg.GetAConst(); c != nil && c.Location >= 0 {
				out[int(c.Location)] = true
			}
		}
	})
	return out, nil
}

// walkSetStmts calls fn for every VariableSetStmt anywhere in the tree, however deeply it
// is nested (a DefElem of ALTER FUNCTION, the setstmt of ALTER ROLE), so that a statement
// kind added to the grammar later is covered without a list to keep up to date.
func walkSetStmts(m protoreflect.Message, fn func(*pg_query.VariableSetStmt)) {
	if v, ok := m.Interface().(*pg_query.VariableSetStmt); ok {
		fn(v)
	}
	m.Range(func(fd protoreflect.FieldDescriptor, val protoreflect.Value) bool {
		switch {
		case fd.IsList() && fd.Message() != nil:
			l := val.List()
			for i := 0; i < l.Len(); i++ {
				walkSetStmts(l.Get(i).Message(), fn)
			}
		case fd.Message() != nil && !fd.IsMap():
			walkSetStmts(val.Message(), fn)
		}
		return true
	})
}
