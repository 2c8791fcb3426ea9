package benchgen

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// Dir is where the catalog of n tables on major is kept between runs.
func Dir(major, n int) string {
	return filepath.Join(pgtest.CacheDir(), "bench", fmt.Sprintf("%d-%d-v%d", major, n, Version))
}

// Cached starts the kept cluster holding n tables on major, building it first when it
// is missing or was left half-built. Stop it (not Destroy) to keep it for the next run.
func Cached(ctx context.Context, major, n int, progress func(string)) (*pgtest.Cluster, Truth, error) {
	c, fresh, err := pgtest.Kept(ctx, Dir(major, n), pgtest.Options{Major: major, Settings: Settings()})
	if err != nil {
		return nil, Truth{}, err
	}
	if !fresh {
		return c, TruthOf(n), nil
	}
	tr, err := Generate(ctx, c.ConnString("postgres"), n, progress)
	if err == nil {
		err = c.MarkReady()
	}
	if err != nil {
		c.Stop()
		return nil, Truth{}, fmt.Errorf("build catalog of %d tables: %w", n, err)
	}
	return c, tr, nil
}
