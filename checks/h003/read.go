package h003

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/pgcheckup/pgcheckup/checks"
)

// readCatalog reads what judge needs, each statement one narrow pass over one catalog
// (pg_constraint, pg_index) or a small one, matched in Go: at 50,000 tables a
// probe per foreign key into pg_index, pg_class and pg_attribute cost more than a second.
func readCatalog(ctx context.Context, db checks.Querier, keysSQL string) (*catalog, error) {
	c := &catalog{indexes: map[uint32][]index{},
		serves: map[uint32]map[uint32]bool{}, colls: map[attr]uint32{}}
	err := checks.ScanAll(ctx, db, keysSQL, nil, func(rows pgx.Rows) error {
		var k fkRow
		if err := rows.Scan(&k.oid, &k.parent, &k.rel, &k.key, &k.pfeqop, &k.partitioned, &k.period, &k.enforced); err != nil {
			return err
		}
		c.keys = append(c.keys, k)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read foreign keys: %w", err)
	}
	err = checks.ScanAll(ctx, db, indexesQuery, nil, func(rows pgx.Rows) error {
		var rel uint32
		var x index
		if err := rows.Scan(&rel, &x.nkey, &x.key, &x.class, &x.coll); err != nil {
			return err
		}
		c.indexes[rel] = append(c.indexes[rel], x)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read indexes: %w", err)
	}
	err = checks.ScanAll(ctx, db, opclassesQuery, nil, func(rows pgx.Rows) error {
		var oc uint32
		var ops []uint32
		if err := rows.Scan(&oc, &ops); err != nil {
			return err
		}
		set := map[uint32]bool{}
		for _, o := range ops {
			set[o] = true
		}
		c.serves[oc] = set
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read operator classes: %w", err)
	}
	return c, nil
}

// readCollations fills c.colls for the columns asked (none for integer keys).
func readCollations(ctx context.Context, db checks.Querier, c *catalog, need []attr) error {
	if len(need) == 0 {
		return nil
	}
	rels, nums := make([]uint32, len(need)), make([]int16, len(need))
	for i, a := range need {
		rels[i], nums[i] = a.rel, a.num
	}
	err := checks.ScanAll(ctx, db, collationsQuery, []any{rels, nums}, func(rows pgx.Rows) error {
		var a attr
		var coll uint32
		if err := rows.Scan(&a.rel, &a.num, &coll); err != nil {
			return err
		}
		c.colls[a] = coll
		return nil
	})
	if err != nil {
		return fmt.Errorf("read column collations: %w", err)
	}
	return nil
}
