package benchgen_test

import (
	"context"
	"os"
	"testing"

	"github.com/pgcheckup/pgcheckup/internal/benchgen"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

// TestCachedCatalogIsKept: the second start reuses the catalog the first one built (the
// benchmark builds each size once), and a folder never marked ready is built again.
func TestCachedCatalogIsKept(t *testing.T) {
	const n = 7 // a size no benchmark uses
	major := pgtest.MajorFromEnv()
	if major == 0 {
		major = 15
	}
	dir := benchgen.Dir(major, n)
	os.RemoveAll(dir)
	t.Cleanup(func() { os.RemoveAll(dir) })
	ctx := context.Background()
	c, _, err := benchgen.Cached(ctx, major, n, nil)
	if err != nil {
		t.Fatal(err)
	}
	// a mark the generator does not make: it must survive the restart
	c.MustExec(t, "postgres", "CREATE TABLE kept_mark ()")
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	c, _, err = benchgen.Cached(ctx, major, n, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	// a benchmark killed before its deferred Stop leaves the server running: the next
	// start stops it first instead of failing on "another server might be running"
	c2, _, err := benchgen.Cached(ctx, major, n, nil)
	if err != nil {
		t.Fatalf("start over a server left running: %v", err)
	}
	defer c2.Stop()
	c = c2
	var tables int
	conn, err := c.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_class WHERE relname = 'kept_mark' OR relname ~ '^t[0-9]+$'`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != n+1 {
		t.Errorf("after a restart the cluster holds %d of the %d tables built before and the mark", tables, n+1)
	}
}
