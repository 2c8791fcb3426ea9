// Package h004 finds redundant and duplicate indexes: an index whose every use another
// index on the same table can take over, so that dropping it saves space and write work.
package h004

import (
	"cmp"
	"context"
	_ "embed"
	"fmt"
	"slices"

	"github.com/pgcheckup/pgcheckup/checks"
)

var (
	//go:embed h004.sql
	query string
	//go:embed h004_pg15.sql
	query15 string
	//go:embed h004_list.sql
	listQuery string
)

// Check is H004.
type Check struct{ cfg Config }

// Config holds H004's thresholds.
type Config struct {
	// TopN limits the indexes reported, largest first.
	TopN int `toml:"top_n"`
	// P2Bytes: a droppable index at least this large is P2 (else P3).
	P2Bytes int64 `toml:"p2_bytes"`
}

// New returns H004 with its defaults.
func New() *Check { return &Check{cfg: Config{TopN: 50, P2Bytes: 1 << 30}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "H004", Title: "Redundant and duplicate indexes", Scope: checks.Database, Doc: doc,
		Session: checks.CatalogSession}
}

// Queries implements checks.Check. PostgreSQL 15 added NULLS NOT DISTINCT, which two
// unique indexes must agree on to replace each other.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{
		{Name: "h004.sql", MaxVersion: 150000, SQL: query},
		{Name: "h004.sql", MinVersion: 150000, SQL: query15},
		{Name: "h004_list.sql", SQL: listQuery},
	}
}

// Index is one index that can be dropped because another one serves its uses.
type Index struct {
	Schema    checks.Name `json:"schema"`
	Table     checks.Name `json:"table"`
	Drop      checks.Name `json:"drop_index"`
	Keep      checks.Name `json:"keep_index"`
	Duplicate bool        `json:"duplicate"` // identical to the kept one
	// Rule is why the kept index serves every use of the dropped one: "same-keys" (any
	// access method), "btree-prefix", "gist-prefix" (a leading prefix of its key
	// columns) or "gin-subset" (a GIN index serves any subset of its columns).
	Rule checks.Label `json:"rule"`
	// DropBytes and KeepBytes are nil for an index another session holds or awaits an
	// ACCESS EXCLUSIVE lock on (pgcheckup never waits for locks); for a partitioned index
	// they leave out its locked partitions.
	DropBytes   *int64            `json:"drop_bytes"`
	KeepBytes   *int64            `json:"keep_bytes"`
	DropScans   *int64            `json:"drop_scans"` // idx_scan since the statistics were reset
	KeepScans   *int64            `json:"keep_scans"`
	Partitioned bool              `json:"partitioned"` // a partitioned index: no CONCURRENTLY
	Clustered   bool              `json:"clustered"`   // the table is CLUSTERed on the dropped index
	DropDef     checks.Definition `json:"drop_def"`    // recreates the dropped index; empty when Locked
	KeepDef     checks.Definition `json:"keep_def"`
	// Locked: the table or one of the indexes is under another session's ACCESS
	// EXCLUSIVE lock, so a definition or a size was not read.
	Locked  bool              `json:"locked"`
	DropSQL checks.Definition `json:"drop_statement"`
}

// Data is what H004 reports.
type Data struct {
	Indexes []Index `json:"indexes"`
	Total   int     `json:"total"` // droppable indexes before the limit
	// Unlisted counts the droppable indexes beyond the limit by the severity analyze
	// would give them, judged in SQL by relpages.
	Unlisted  Unlisted `json:"unlisted"`
	Truncated bool     `json:"truncated"`
	TopN      int      `json:"top_n"`
	// NotCompared are tables under another session's ACCESS EXCLUSIVE lock whose partial
	// or expression indexes were not compared: that needs the table's lock. Indexes
	// without a predicate or expressions are compared on them all the same.
	NotCompared []Table `json:"not_compared"`
}

// Unlisted counts unlisted indexes by severity.
type Unlisted struct {
	P2   int `json:"p2"`
	P3   int `json:"p3"`
	Info int `json:"info"`
}

// Table names a table.
type Table struct {
	Schema checks.Name `json:"schema"`
	Name   checks.Name `json:"name"`
}

// Run implements checks.Check. The indexes with a peer are read in one statement, the
// keepers searched in Go (keeper.go), and the listed ones named in a second statement.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	q, _ := checks.Pick(c.Queries(), "h004.sql", t.Node.VersionNum)
	ps, err := readPeers(ctx, t, q)
	if err != nil {
		return nil, err
	}
	cands := candidates(ps)
	d := Data{Indexes: []Index{}, TopN: c.cfg.TopN, NotCompared: []Table{}}
	ranked := rank(cands)
	listed := ranked[:min(len(ranked), max(c.cfg.TopN, 0))]
	d.Total, d.Unlisted = len(ranked), count(ranked[len(listed):], c.cfg.P2Bytes)
	var notCompared []uint32
	for _, x := range cands {
		if !x.compared {
			notCompared = append(notCompared, x.drop.indrelid)
		}
	}
	if len(listed) > 0 || len(notCompared) > 0 {
		if err := c.list(ctx, t, listed, notCompared, &d); err != nil {
			return nil, err
		}
	}
	d.Truncated = d.Total > len(d.Indexes)
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

// readPeers reads the indexes h004.sql returns.
func readPeers(ctx context.Context, t *checks.Target, q string) ([]peer, error) {
	rows, err := t.DB.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("read indexes: %w", err)
	}
	defer rows.Close()
	var ps []peer
	for rows.Next() {
		var p peer
		var nk int
		var indkey []int16 // new each row: keys and incl share it
		if err := rows.Scan(&p.oid, &p.indrelid, &nk, &indkey, &p.opc, &p.coll, &p.opt, &p.uniq, &p.immediate, &p.nnd,
			&p.clustered, &p.replident, &p.backing, &p.hasPred, &p.hasExprs, &p.tableLocked, &p.pred, &p.exprs,
			&p.droppable, &p.partitioned, &p.bytes, &p.method, &p.reloptions); err != nil {
			return nil, fmt.Errorf("read indexes: %w", err)
		}
		if nk < 1 || nk > len(indkey) || len(p.opc) != nk || len(p.coll) != nk || len(p.opt) != nk {
			return nil, fmt.Errorf("read indexes: index %d: %d key columns of %d", p.oid, nk, len(indkey))
		}
		p.keys, p.incl = indkey[:nk:nk], indkey[nk:]
		ps = append(ps, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read indexes: %w", err)
	}
	return ps, nil
}

// list names the listed indexes and the tables not compared, with h004_list.sql.
func (c *Check) list(ctx context.Context, t *checks.Target, listed []candidate, notCompared []uint32, d *Data) error {
	n := len(listed)
	drop, keep, rel := make([]uint32, n), make([]uint32, n), make([]uint32, n)
	partitioned, dup, clustered, locked := make([]bool, n), make([]bool, n), make([]bool, n), make([]bool, n)
	rules := make([]string, n)
	for i, x := range listed {
		drop[i], keep[i], rel[i] = x.drop.oid, x.keep.oid, x.drop.indrelid
		partitioned[i], dup[i], clustered[i], locked[i] = x.drop.partitioned, x.duplicate, x.drop.clustered, x.drop.tableLocked
		rules[i] = x.rule
	}
	if notCompared == nil {
		notCompared = []uint32{}
	}
	rows, err := t.DB.Query(ctx, listQuery, drop, keep, rel, partitioned, dup, rules, clustered, locked, notCompared)
	if err != nil {
		return fmt.Errorf("read indexes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		// The statement returns one row with only not_compared when no index is listed.
		var schema, table, drop, keep, dropSQL, rule *string
		var dup, partitioned, clustered, locked *bool
		var dropDef, keepDef *string
		var ncSchemas, ncTables []string
		var x Index
		if err := rows.Scan(&schema, &table, &drop, &keep, &dup, &rule, &x.DropBytes, &x.KeepBytes,
			&x.DropScans, &x.KeepScans, &partitioned, &clustered, &dropDef, &keepDef, &locked, &dropSQL,
			&ncSchemas, &ncTables); err != nil {
			return fmt.Errorf("read indexes: %w", err)
		}
		if len(d.NotCompared) == 0 {
			for i := range min(len(ncSchemas), len(ncTables)) {
				d.NotCompared = append(d.NotCompared, Table{Schema: checks.Name(ncSchemas[i]), Name: checks.Name(ncTables[i])})
			}
		}
		if drop == nil {
			continue
		}
		x.Schema, x.Table, x.Drop, x.Keep = checks.Name(val(schema)), checks.Name(val(table)), checks.Name(*drop), checks.Name(val(keep))
		x.Rule = checks.Label(val(rule))
		x.Duplicate, x.Partitioned, x.Clustered, x.Locked = val(dup), val(partitioned), val(clustered), val(locked)
		x.DropDef, x.KeepDef, x.DropSQL = checks.Definition(val(dropDef)), checks.Definition(val(keepDef)), checks.Definition(val(dropSQL))
		d.Indexes = append(d.Indexes, x)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read indexes: %w", err)
	}
	return nil
}

// rank is the compared candidates, largest first (by relpages, then OID).
func rank(cands []candidate) []candidate {
	var out []candidate
	for _, x := range cands {
		if x.compared {
			out = append(out, x)
		}
	}
	slices.SortFunc(out, func(x, y candidate) int {
		return cmp.Or(-cmp.Compare(x.drop.bytes, y.drop.bytes), cmp.Compare(x.drop.oid, y.drop.oid))
	})
	return out
}

// count counts the unlisted candidates by the severity analyze() gives: by relpages (a
// partitioned index has none of its own, so it counts as small); a GiST prefix is a level
// lower because the saving is uncertain.
func count(unlisted []candidate, p2Bytes int64) Unlisted {
	var u Unlisted
	for _, x := range unlisted {
		big, uncertain := x.drop.bytes >= p2Bytes, x.rule == "gist-prefix"
		switch {
		case big && !uncertain:
			u.P2++
		case big == uncertain:
			u.P3++
		default:
			u.Info++
		}
	}
	return u
}

// val is *p, or the zero value for nil.
func val[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
