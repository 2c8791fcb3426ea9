package sqlaudit

import (
	"slices"
	"testing"
)

func TestNamesOf(t *testing.T) {
	n, err := NamesOf(`WITH s AS (SELECT oid FROM pg_catalog.pg_class)
		SELECT count(*), pg_catalog.format('%s', x.nspname), lower(x.nspname)
		FROM s JOIN pg_namespace x ON x.oid = s.oid
		WHERE x.nspname !~ '^pg_' AND x.oid IN (1, 2) AND x.oid BETWEEN 1 AND 9 AND x.nspname LIKE 'a%'`)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(n.Relations, []string{"pg_class", "pg_namespace"}) {
		t.Errorf("relations %v (the CTE s is not one)", n.Relations)
	}
	if !slices.Equal(n.Operators, []string{"!~", "<=", "=", ">=", "~~"}) {
		t.Errorf("operators %v", n.Operators)
	}
	want := []Func{{Name: "count", Star: true}, {Name: "format", Nargs: 2}, {Name: "lower", Nargs: 1}}
	if !slices.Equal(n.Funcs, want) {
		t.Errorf("functions %+v", n.Funcs)
	}
}
