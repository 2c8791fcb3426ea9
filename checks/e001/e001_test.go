package e001

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

var units = map[string]string{"max_wal_size": "MB", "min_wal_size": "MB", "checkpoint_timeout": "s",
	"wal_buffers": "8kB", "wal_segment_size": "B", "archive_timeout": "s"}

const secret = "aws s3 cp %p s3://bucket/ --sse-key=hunter2"

func data(version int, standby bool, change map[string]string) Data {
	vals := map[string]string{"max_wal_size": "4096", "min_wal_size": "80", "checkpoint_timeout": "900",
		"checkpoint_completion_target": "0.9", "wal_level": "replica", "wal_compression": "lz4", "full_page_writes": "on",
		"wal_buffers": "2048", "wal_segment_size": "16777216", "archive_mode": "on", "archive_command": secret,
		"archive_library": "", "archive_timeout": "0"}
	for k, v := range change {
		vals[k] = v
	}
	d := Data{VersionNum: version, InRecovery: standby}
	for _, n := range names {
		if n == "archive_library" && version < 150000 {
			continue
		}
		d.Settings = append(d.Settings, pgsettings.Row{Setting: checks.Setting{Name: checks.Name(n), Value: checks.Text(vals[n])},
			Unit: checks.Text(units[n]), Source: "configuration file"})
	}
	return d
}

func TestAnalyze(t *testing.T) {
	none := map[string]checks.Severity{}
	cases := []struct {
		name    string
		version int
		standby bool
		change  map[string]string
		want    map[string]checks.Severity
	}{
		{"good", 170000, false, nil, none},
		{"good on 12 (no archive_library)", 120000, false, nil, none},
		{"archive on, no command", 170000, false, map[string]string{"archive_command": ""}, map[string]checks.Severity{"E001/archive-command-missing": checks.P1}},
		{"archive on, no command, 12", 120000, false, map[string]string{"archive_command": ""}, map[string]checks.Severity{"E001/archive-command-missing": checks.P1}},
		{"archive on, library only", 170000, false, map[string]string{"archive_command": "", "archive_library": "basic_archive"}, none},
		{"standby with on and no command", 170000, true, map[string]string{"archive_command": ""}, none},
		{"standby with always and no command", 170000, true, map[string]string{"archive_mode": "always", "archive_command": ""},
			map[string]checks.Severity{"E001/archive-command-missing": checks.P1}},
		{"both on 16", 160000, false, map[string]string{"archive_library": "basic_archive"}, map[string]checks.Severity{"E001/archive-command-and-library": checks.P1}},
		{"both on 15", 150000, false, map[string]string{"archive_library": "basic_archive"}, map[string]checks.Severity{"E001/archive-command-ignored": checks.P3}},
		{"noop command", 170000, false, map[string]string{"archive_command": " /bin/true "}, map[string]checks.Severity{"E001/archive-command-noop": checks.P3}},
		{"archive off", 170000, false, map[string]string{"archive_mode": "off", "archive_command": ""}, map[string]checks.Severity{"E001/no-wal-archiving": checks.Info}},
		{"archive off on standby", 170000, true, map[string]string{"archive_mode": "off"}, none},
		{"archive timeout 59", 170000, false, map[string]string{"archive_timeout": "59"}, map[string]checks.Severity{"E001/archive-timeout-short": checks.P3}},
		{"archive timeout 60", 170000, false, map[string]string{"archive_timeout": "60"}, none},
		{"wal_level minimal", 170000, false, map[string]string{"wal_level": "minimal", "archive_mode": "off"},
			map[string]checks.Severity{"E001/wal-level-minimal": checks.P2, "E001/no-wal-archiving": checks.Info}},
		{"completion target 0.5", 130000, false, map[string]string{"checkpoint_completion_target": "0.5"},
			map[string]checks.Severity{"E001/checkpoint-completion-target-low": checks.P3}},
		{"completion target 0.89", 170000, false, map[string]string{"checkpoint_completion_target": "0.89"},
			map[string]checks.Severity{"E001/checkpoint-completion-target-low": checks.P3}},
		{"checkpoint timeout 299", 170000, false, map[string]string{"checkpoint_timeout": "299"},
			map[string]checks.Severity{"E001/checkpoint-timeout-short": checks.P3}},
		{"checkpoint timeout 300", 170000, false, map[string]string{"checkpoint_timeout": "300"}, none},
		{"max_wal_size 1GB", 170000, false, map[string]string{"max_wal_size": "1024"}, map[string]checks.Severity{"E001/max-wal-size-small": checks.Info}},
		{"max_wal_size 1025MB", 170000, false, map[string]string{"max_wal_size": "1025"}, none},
		{"wal_compression off", 170000, false, map[string]string{"wal_compression": "off"}, map[string]checks.Severity{"E001/wal-compression-off": checks.Info}},
		{"wal_compression off, no fpw", 170000, false, map[string]string{"wal_compression": "off", "full_page_writes": "off"}, none},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]checks.Severity{}
			for _, f := range analyze(data(tc.version, tc.standby, tc.change), New().cfg) {
				if f.Conclusion == "" || f.Recommendation == "" {
					t.Errorf("%s: empty text", f.Code)
				}
				if strings.Contains(f.Conclusion+f.Recommendation, "hunter2") {
					t.Errorf("%s quotes archive_command", f.Code)
				}
				got[f.Code] = f.Severity
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}
