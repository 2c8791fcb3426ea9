package setup

import (
	"encoding/json"
	"strings"
	"testing"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// TestHelpersReadNoValues audits the helpers' SQL: parsed with the server's own parser,
// no helper names a pg_statistic column that holds values of the table (the stakind
// slots: most common values, histograms, correlation, ...) nor selects a whole row (*).
func TestHelpersReadNoValues(t *testing.T) {
	fns := Functions()
	if len(fns) != 3 {
		t.Fatalf("helpers found in install.sql: %+v", fns)
	}
	readsStatistic := false
	for _, f := range fns {
		tree, err := pg_query.ParseToJSON(f.Body)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		var v any
		if err := json.Unmarshal([]byte(tree), &v); err != nil {
			t.Fatal(err)
		}
		walk(v, func(key string, node map[string]any) {
			switch key {
			case "RangeVar":
				if node["relname"] == "pg_statistic" {
					readsStatistic = true
				}
			case "A_Star":
				t.Errorf("%s selects a whole row (*)", f.Name)
			case "String":
				s, _ := node["sval"].(string)
				for _, bad := range []string{"stakind", "staop", "stacoll", "stanumbers", "stavalues"} {
					if strings.HasPrefix(s, bad) {
						t.Errorf("%s names pg_statistic.%s, which holds table values or describes them", f.Name, s)
					}
				}
			}
		})
	}
	if !readsStatistic {
		t.Error("no helper reads pg_statistic: the audit would pass without looking")
	}
}

// walk calls fn for every object that is the value of a key in the parse tree's JSON.
func walk(v any, fn func(key string, node map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if m, ok := c.(map[string]any); ok {
				fn(k, m)
			}
			walk(c, fn)
		}
	case []any:
		for _, c := range x {
			walk(c, fn)
		}
	}
}
