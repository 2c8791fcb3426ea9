package main

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// floorCatalogs are the catalogs the checks need: reading each of them once, every row
// to the client, is the least any health check of this catalog can cost.
var floorCatalogs = []string{
	"pg_class", "pg_attribute", "pg_index", "pg_constraint", "pg_statistic", "pg_depend",
	"pg_stat_user_tables", "pg_stat_user_indexes",
}

// floor reads every row of floorCatalogs in one session and discards them. Its time
// includes connecting, as pgcheckup's does.
func floor(ctx context.Context, connString string) (time.Duration, int64, error) {
	start := time.Now()
	cfg, err := pgx.ParseConfig(connString)
	if err != nil {
		return 0, 0, err
	}
	cfg.RuntimeParams["application_name"] = "pgcheckup-floor"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return 0, 0, fmt.Errorf("floor: %w", err)
	}
	defer conn.Close(ctx)
	var rowsRead int64
	for _, cat := range floorCatalogs {
		rows, err := conn.Query(ctx, "SELECT * FROM pg_catalog."+cat)
		if err != nil {
			return 0, 0, fmt.Errorf("floor: %s: %w", cat, err)
		}
		for rows.Next() {
			_ = rows.RawValues() // to the client, undecoded: the floor measures reading
			rowsRead++
		}
		if err := rows.Err(); err != nil {
			return 0, 0, fmt.Errorf("floor: %s: %w", cat, err)
		}
	}
	return time.Since(start), rowsRead, nil
}
