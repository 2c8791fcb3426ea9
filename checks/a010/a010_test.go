package a010

import (
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

func row(name, value string) pgsettings.Row {
	return pgsettings.Row{Setting: checks.Setting{Name: checks.Name(name), Value: checks.Text(value)}, Source: "configuration file"}
}

func safe() map[string]string {
	return map[string]string{"fsync": "on", "full_page_writes": "on", "synchronous_commit": "on",
		"data_checksums": "on", "wal_log_hints": "off", "ignore_checksum_failure": "off", "zero_damaged_pages": "off"}
}

func TestAnalyze(t *testing.T) {
	last := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name     string
		change   map[string]string
		failures []Failure
		cfg      func(*Config)
		want     map[string]checks.Severity
	}{
		{name: "safe", want: map[string]checks.Severity{}},
		{name: "fsync off", change: map[string]string{"fsync": "off"}, want: map[string]checks.Severity{"A010/fsync-off": checks.P1}},
		{name: "fpw off", change: map[string]string{"full_page_writes": "off"}, want: map[string]checks.Severity{"A010/full-page-writes-off": checks.P1}},
		{name: "sync commit off", change: map[string]string{"synchronous_commit": "off"}, want: map[string]checks.Severity{"A010/synchronous-commit-off": checks.P3}},
		{name: "sync commit off as P2", change: map[string]string{"synchronous_commit": "off"}, cfg: func(c *Config) { c.SynchronousCommitOff = checks.P2 },
			want: map[string]checks.Severity{"A010/synchronous-commit-off": checks.P2}},
		{name: "sync commit local", change: map[string]string{"synchronous_commit": "local"}, want: map[string]checks.Severity{}},
		{name: "sync commit remote_write", change: map[string]string{"synchronous_commit": "remote_write"}, want: map[string]checks.Severity{}},
		{name: "checksums off, hints on", change: map[string]string{"data_checksums": "off", "wal_log_hints": "on"},
			want: map[string]checks.Severity{"A010/data-checksums-off": checks.P3}},
		{name: "checksums and hints off", change: map[string]string{"data_checksums": "off"},
			want: map[string]checks.Severity{"A010/data-checksums-off": checks.P3, "A010/pg-rewind-unavailable": checks.Info}},
		{name: "salvage switches", change: map[string]string{"zero_damaged_pages": "on", "ignore_checksum_failure": "on"},
			want: map[string]checks.Severity{"A010/zero-damaged-pages-on": checks.P2, "A010/ignore-checksum-failure-on": checks.P2}},
		{name: "checksum failures", failures: []Failure{{Database: "app", Count: 3, Last: &last}, {Database: "", Count: 1}},
			want: map[string]checks.Severity{"A010/checksum-failures": checks.P1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vals := safe()
			for k, v := range tc.change {
				vals[k] = v
			}
			d := Data{ChecksumFailures: tc.failures}
			for _, n := range names {
				d.Settings = append(d.Settings, row(n, vals[n]))
			}
			cfg := New().cfg
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			got := map[string]checks.Severity{}
			for _, f := range analyze(d, cfg) {
				if f.Conclusion == "" || f.Recommendation == "" {
					t.Errorf("%s: empty text", f.Code)
				}
				got[f.Code] = f.Severity
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for code, sev := range tc.want {
				if s, ok := got[code]; !ok || s != sev {
					t.Errorf("%s: got %v (present %v), want %v", code, s, ok, sev)
				}
			}
		})
	}
}

func TestMissingSettingsAreNotFindings(t *testing.T) {
	if f := analyze(Data{}, New().cfg); len(f) != 0 {
		t.Fatalf("findings without data: %v", f)
	}
}

func TestChecksumFailureObjects(t *testing.T) {
	d := Data{Settings: []pgsettings.Row{row("data_checksums", "on")}, ChecksumFailures: []Failure{{Database: "app", Count: 2}}}
	f := analyze(d, New().cfg)
	if len(f) != 1 || len(f[0].Objects) != 1 || f[0].Objects[0] != "app" {
		t.Fatalf("got %+v", f)
	}
}

// A value set for a role in a database is changed there: ALTER SYSTEM would not reach it.
func TestSynchronousCommitFixAtItsLevel(t *testing.T) {
	r := row("synchronous_commit", "off")
	r.Source, r.Database, r.User, r.Context = "database user", "shop", "app", "user"
	f := analyze(Data{Settings: []pgsettings.Row{r}}, New().cfg)
	if len(f) != 1 || !strings.Contains(f[0].Recommendation, "`ALTER ROLE app IN DATABASE shop SET synchronous_commit = on;`") ||
		!strings.Contains(f[0].Conclusion, "set for role `app` in database `shop`") || strings.Contains(f[0].Recommendation, "ALTER SYSTEM") {
		t.Fatalf("%+v", f)
	}
}
