package checks

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// ScanAll runs sql on db and calls each for every row: the checks that read a catalog in
// one pass and match the rows in Go (H002, H003, L003) keep only what each row adds.
func ScanAll(ctx context.Context, db Querier, sql string, args []any, each func(pgx.Rows) error) error {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
