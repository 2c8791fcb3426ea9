package workload

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/pgcheckup/pgcheckup/checks"
)

// Statement types (K002), from the parse tree.
const (
	TypeSelect          checks.Label = "SELECT"
	TypeSelectForUpdate checks.Label = "SELECT FOR UPDATE/SHARE"
	TypeInsert          checks.Label = "INSERT"
	TypeUpdate          checks.Label = "UPDATE"
	TypeDelete          checks.Label = "DELETE"
	TypeMerge           checks.Label = "MERGE"
	TypeCopy            checks.Label = "COPY"
	TypeDDL             checks.Label = "DDL"
	TypeUtility         checks.Label = "other utility"
	TypeUnknown         checks.Label = "unknown" // the parser could not read the text
)

// ddl are the utility statements PostgreSQL logs with log_statement = 'ddl'
// (GetCommandLogLevel), besides every Create*, Alter* and Drop* statement.
var ddl = map[string]bool{
	"IndexStmt": true, "ViewStmt": true, "DefineStmt": true, "RuleStmt": true, "RenameStmt": true,
	"CommentStmt": true, "SecLabelStmt": true, "GrantStmt": true, "GrantRoleStmt": true,
	"CompositeTypeStmt": true, "ReassignOwnedStmt": true, "RefreshMatViewStmt": true,
	"ImportForeignSchemaStmt": true,
}

// Classify returns the type of the statement in query (a pg_stat_statements text, with
// $n placeholders). A text of several statements is typed by its first. A SELECT whose
// WITH clause modifies data is typed by the first data-modifying CTE; SELECT INTO, which
// creates a table, is DDL. TRUNCATE, VACUUM, SET, transaction control, EXPLAIN, CALL
// and DO are other utility statements.
//
// The parse tree comes as pg_query's JSON, decoded only as deep as the type needs: the
// Go structs of a whole tree (pg_query.Parse) cost several times the parse itself on the
// long statements a workload holds.
func Classify(query string) checks.Label {
	js, err := pg_query.ParseToJSON(query)
	if err != nil {
		return TypeUnknown
	}
	var tree struct {
		Stmts []struct {
			Stmt node `json:"stmt"`
		} `json:"stmts"`
	}
	if json.Unmarshal([]byte(js), &tree) != nil || len(tree.Stmts) == 0 {
		return TypeUnknown
	}
	return classify(tree.Stmts[0].Stmt)
}

// node is a parse-tree node in pg_query's JSON: one key, the node's type, and its fields.
type node map[string]json.RawMessage

func classify(n node) checks.Label {
	if len(n) != 1 {
		return TypeUnknown
	}
	for name, body := range n {
		switch name {
		case "SelectStmt":
			var sel struct {
				IntoClause    json.RawMessage   `json:"intoClause"`
				LockingClause []json.RawMessage `json:"lockingClause"`
				WithClause    *struct {
					Ctes []struct {
						CommonTableExpr *struct {
							Ctequery node `json:"ctequery"`
						} `json:"CommonTableExpr"`
					} `json:"ctes"`
				} `json:"withClause"`
			}
			if json.Unmarshal(body, &sel) != nil {
				return TypeUnknown
			}
			switch {
			case len(sel.IntoClause) > 0:
				return TypeDDL
			case len(sel.LockingClause) > 0:
				return TypeSelectForUpdate
			}
			if sel.WithClause != nil {
				for _, c := range sel.WithClause.Ctes {
					if cte := c.CommonTableExpr; cte != nil && len(cte.Ctequery) > 0 {
						if t := classify(cte.Ctequery); t != TypeSelect && t != TypeSelectForUpdate {
							return t
						}
					}
				}
			}
			return TypeSelect
		case "InsertStmt":
			return TypeInsert
		case "UpdateStmt":
			return TypeUpdate
		case "DeleteStmt":
			return TypeDelete
		case "MergeStmt":
			return TypeMerge
		case "CopyStmt":
			return TypeCopy
		}
		if ddl[name] || strings.HasPrefix(name, "Create") || strings.HasPrefix(name, "Alter") || strings.HasPrefix(name, "Drop") {
			return TypeDDL
		}
		return TypeUtility
	}
	return TypeUnknown
}

// Fingerprint is pg_query's fingerprint of query (hex), the same for texts that differ
// only in constants, placeholders, comments, whitespace or aliases; "" when it cannot be
// parsed.
func Fingerprint(query string) string {
	f, err := pg_query.Fingerprint(query)
	if err != nil {
		return ""
	}
	return f
}

// Group is the statements of a window that have the same fingerprint: one query run by
// many roles, or in many databases (where the queryids differ because the tables do).
type Group struct {
	// Fingerprint is "" for a statement whose text is unknown (hidden, not fetched, not
	// parseable): it is a group of its own.
	Fingerprint string           `json:"fingerprint,omitempty"`
	Type        checks.Label     `json:"type"`
	Query       checks.QueryText `json:"query"` // the text of the part with the most time
	Parts       []EntryDelta     `json:"parts"` // by time, highest first
	Counters
}

// GroupByFingerprint groups deltas (in Window order) by the fingerprints of texts.
// Groups come by total time, highest first.
func GroupByFingerprint(deltas []EntryDelta, texts map[int64]Text) []Group {
	// a statement without a usable fingerprint is a group of its own entry
	type groupKey struct {
		fp           string
		id           int64
		hidden       bool
		user, dbid   uint32
		withoutPrint bool
	}
	groups := make([]Group, 0, len(deltas)) // at most one per delta: no regrowing
	sizes := make([]int, 0, len(deltas))
	at := make(map[groupKey]int, len(deltas))
	of := make([]int, len(deltas)) // each delta's group
	for j, d := range deltas {
		t, ok := texts[d.QueryID]
		key := groupKey{fp: t.Fingerprint}
		if !ok || d.Hidden || t.Fingerprint == "" {
			key = groupKey{id: d.QueryID, hidden: d.Hidden, user: d.UserID, dbid: d.DBID, withoutPrint: true}
			t = Text{Type: TypeUnknown}
			if ok && !d.Hidden {
				t = texts[d.QueryID]
			}
		}
		i, found := at[key]
		if !found {
			i = len(groups)
			at[key] = i
			groups = append(groups, Group{Fingerprint: t.Fingerprint, Type: t.Type, Query: t.Query})
			sizes = append(sizes, 0)
		}
		of[j] = i
		sizes[i]++
		groups[i].Counters = groups[i].Counters.add(d.Counters)
	}
	// the parts of every group share one array: one allocation, not one per group
	parts := make([]EntryDelta, len(deltas))
	next := 0
	for i, n := range sizes {
		groups[i].Parts = parts[next : next : next+n]
		next += n
	}
	for j, d := range deltas {
		g := &groups[of[j]]
		g.Parts = append(g.Parts, d)
	}
	// sorting indexes, not the large Group values, then placing each once
	order := make([]int, len(groups))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(groups[b].TimeMS(), groups[a].TimeMS()) })
	out := make([]Group, len(groups))
	for i, j := range order {
		out[i] = groups[j]
	}
	return out
}
