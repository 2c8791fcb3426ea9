package privacy

import (
	"fmt"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/reflect/protoreflect"
)

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
