package sqlaudit

import (
	"encoding/json"
	"fmt"
	"sort"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// Func is a function call as written in a statement.
type Func struct {
	Name  string
	Nargs int
	Star  bool // count(*)
}

// Names are the names a statement leaves to the server's name resolution: the relations
// it reads, the functions it calls and the operators it applies. The hostile-catalog test
// plants look-alikes of each of them.
type Names struct {
	Relations []string // unqualified relation names, CTEs excluded
	Funcs     []Func
	Operators []string
}

// NamesOf parses sql and lists the names in it, each once, sorted.
func NamesOf(sql string) (Names, error) {
	tree, err := pg_query.ParseToJSON(sql)
	if err != nil {
		return Names{}, fmt.Errorf("does not parse: %w", err)
	}
	var doc any
	if err := json.Unmarshal([]byte(tree), &doc); err != nil {
		return Names{}, err
	}
	rels, ctes, ops := map[string]bool{}, map[string]bool{}, map[string]bool{}
	funcs := map[Func]bool{}
	visit(doc, func(k string, e any) {
		m, _ := e.(map[string]any)
		switch k {
		case "RangeVar":
			rel, _ := m["relname"].(string)
			rels[rel] = true
		case "CommonTableExpr":
			n, _ := m["ctename"].(string)
			ctes[n] = true
		case "FuncCall":
			args, _ := m["args"].([]any)
			star, _ := m["agg_star"].(bool)
			funcs[Func{Name: funcName(m), Nargs: len(args), Star: star}] = true
		case "A_Expr":
			// Every kind of A_Expr names its operator: =, !~, ~~ (LIKE); IN, NULLIF
			// and IS DISTINCT FROM apply =, BETWEEN applies >= and <=.
			switch kind, _ := m["kind"].(string); kind {
			case "AEXPR_BETWEEN", "AEXPR_NOT_BETWEEN", "AEXPR_BETWEEN_SYM", "AEXPR_NOT_BETWEEN_SYM":
				ops[">="], ops["<="] = true, true // its name is the keyword
			case "AEXPR_NULLIF", "AEXPR_DISTINCT", "AEXPR_NOT_DISTINCT", "AEXPR_IN":
				ops["="] = true
			default:
				for _, p := range listStrings(m["name"]) {
					ops[p] = true
				}
			}
		}
	})
	var n Names
	for r := range rels {
		if !ctes[r] {
			n.Relations = append(n.Relations, r)
		}
	}
	for f := range funcs {
		n.Funcs = append(n.Funcs, f)
	}
	for o := range ops {
		n.Operators = append(n.Operators, o)
	}
	sort.Strings(n.Relations)
	sort.Strings(n.Operators)
	sort.Slice(n.Funcs, func(i, j int) bool {
		a, b := n.Funcs[i], n.Funcs[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Nargs < b.Nargs
	})
	return n, nil
}

// listStrings returns the String values of a pg_query name list (["pg_catalog", "="]).
func listStrings(v any) []string {
	parts, _ := v.([]any)
	var out []string
	for _, p := range parts {
		m, _ := p.(map[string]any)
		s, _ := m["String"].(map[string]any)
		if sv, ok := s["sval"].(string); ok {
			out = append(out, sv)
		}
	}
	if len(out) > 1 {
		return out[len(out)-1:] // schema-qualified: only the operator itself
	}
	return out
}
