package a010

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func setting(t *testing.T, d Data, name string) string {
	t.Helper()
	r, ok := get(d, name)
	if !ok {
		t.Fatalf("setting %s missing from data", name)
	}
	return string(r.Value)
}

func TestUnsafeSettings(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{
		"fsync": "off", "full_page_writes": "off", "synchronous_commit": "off", "zero_damaged_pages": "on",
	}})
	r := checktest.Run(t, cl, New(), checktest.Options{})
	r.MustStatus(t, checks.StatusFindings)
	for code, sev := range map[string]checks.Severity{
		"A010/fsync-off": checks.P1, "A010/full-page-writes-off": checks.P1,
		"A010/synchronous-commit-off": checks.P3, "A010/zero-damaged-pages-on": checks.P2,
	} {
		f := r.WithCode(code)
		if len(f) != 1 || f[0].Severity != sev {
			t.Errorf("%s: got %+v", code, f)
		}
	}
	var d Data
	r.Decode(t, &d)
	fsync, _ := get(d, "fsync")
	if fsync.Value != "off" || fsync.BootVal != "on" || fsync.Source != "configuration file" {
		t.Errorf("fsync row: %+v", fsync)
	}
}

func TestCleanCluster(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	cl.MustExec(t, "postgres", "CREATE ROLE monitor LOGIN; GRANT pg_monitor TO monitor")
	r := checktest.Run(t, cl, New(), checktest.Options{Role: "monitor"})
	if r.Status == checks.StatusError || r.Status == checks.StatusSkipped {
		t.Fatalf("status %s: %s", r.Status, r.Reason)
	}
	for _, f := range r.Findings {
		if f.Severity == checks.P1 {
			t.Errorf("P1 on a clean cluster: %+v", f)
		}
	}
	var d Data
	r.Decode(t, &d)
	if len(d.Settings) != len(names) {
		t.Errorf("got %d settings, want %d", len(d.Settings), len(names))
	}
	checksums := setting(t, d, "data_checksums") == "on"
	// PostgreSQL 18's initdb enables data checksums by default; older ones do not.
	if checksums != (cl.Major >= 18) {
		t.Errorf("data_checksums on = %v on %d", checksums, cl.Major)
	}
	if got := len(r.WithCode("A010/data-checksums-off")) == 1; got == checksums {
		t.Errorf("data-checksums-off finding = %v with checksums %v", got, checksums)
	}
}

// TestChecksumFailure corrupts a table's page on disk, reads it, and expects the failure
// counted in pg_stat_database to be reported. It needs data checksums, which only
// PostgreSQL 18's initdb turns on by default.
func TestChecksumFailure(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	if cl.Major < 18 {
		t.Skipf("PostgreSQL %d: harness clusters have no data checksums", cl.Major)
	}
	ctx := context.Background()
	cl.MustExec(t, "postgres", "CREATE TABLE victim AS SELECT g AS id, repeat('x', 100) AS pad FROM generate_series(1, 100) g; CHECKPOINT")
	conn, err := cl.Connect(ctx, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	var rel string
	err = conn.QueryRow(ctx, "SELECT pg_relation_filepath('victim')").Scan(&rel)
	conn.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.Stop(); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(cl.DataDir(), rel), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Overwrite bytes inside the first page's tuple area, leaving the header valid.
	if _, err := f.WriteAt([]byte(strings.Repeat("\xff", 64)), 4000); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := cl.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if err := cl.Exec(ctx, "postgres", "SELECT * FROM victim"); err == nil || !strings.Contains(err.Error(), "invalid page") {
		t.Fatalf("reading the corrupt table: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := checktest.Run(t, cl, New(), checktest.Options{})
		if f := r.WithCode("A010/checksum-failures"); len(f) == 1 {
			if f[0].Severity != checks.P1 || len(f[0].Objects) != 1 || f[0].Objects[0] != "postgres" {
				t.Fatalf("finding: %+v", f[0])
			}
			var d Data
			r.Decode(t, &d)
			if d.ChecksumFailures[0].Count < 1 || d.ChecksumFailures[0].Last == nil {
				t.Fatalf("data: %+v", d.ChecksumFailures)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no checksum-failures finding: %+v", r.Findings)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestTemplate(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"fsync": "off"}})
	r := checktest.Run(t, cl, New(), checktest.Options{})
	md := render(t, r)
	for _, want := range []string{"| `fsync` | `off` | configuration file", "| `full_page_writes` | `on` | default"} {
		if !strings.Contains(md, want) {
			t.Errorf("rendered data lacks %q:\n%s", want, md)
		}
	}
}

func render(t *testing.T, r checktest.Result) string { return r.Markdown(t, "A010") }
