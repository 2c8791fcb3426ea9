package a002

import (
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/checktest"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
)

func TestOnRealServer(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{})
	// Judged on a day when every supported major is current, so only the minor release
	// of the test server can make a finding.
	r := checktest.Run(t, cl, New(), checktest.Options{Role: "postgres", Now: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)})
	var d Data
	r.Decode(t, &d)
	if d.Major != cl.Major || d.VersionNum/10000 != cl.Major {
		t.Fatalf("major %d, server is %d", d.Major, cl.Major)
	}
	if !d.Known || d.EOL == "" {
		t.Fatalf("major %d not found in release table: %+v", d.Major, d)
	}
	if r.Status == checks.StatusError || r.Status == checks.StatusSkipped {
		t.Fatalf("status %s: %s", r.Status, r.Reason)
	}
}
