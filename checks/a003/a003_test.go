package a003

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func row(name, value, unit string, pending bool) Row {
	r := Row{Setting: checks.Setting{Name: checks.Name(name), Value: checks.Text(value)},
		Unit: checks.Text(unit), Category: "Resource Usage / Memory", Source: "configuration file",
		SourceFile: "/data/postgresql.conf", SourceLine: 7, PendingRestart: pending, VarType: "integer", Context: "postmaster"}
	convert(&r)
	return r
}

func TestAnalyze(t *testing.T) {
	cases := []struct {
		name    string
		rows    []Row
		objects []checks.Name
	}{
		{"none pending", []Row{row("shared_buffers", "16384", "8kB", false)}, nil},
		{"one pending", []Row{row("shared_buffers", "16384", "8kB", true), row("work_mem", "4096", "kB", false)},
			[]checks.Name{"shared_buffers"}},
		{"two pending, one finding", []Row{row("max_connections", "100", "", true), row("shared_buffers", "16384", "8kB", true)},
			[]checks.Name{"max_connections", "shared_buffers"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := analyze(Data{Settings: tc.rows})
			if tc.objects == nil {
				if len(fs) != 0 {
					t.Fatalf("want no findings, got %+v", fs)
				}
				return
			}
			if len(fs) != 1 || fs[0].Code != "A003/pending-restart" || fs[0].Severity != checks.P3 {
				t.Fatalf("want one P3 pending-restart finding, got %+v", fs)
			}
			if strings.Join(names(fs[0].Objects), ",") != strings.Join(names(tc.objects), ",") {
				t.Errorf("objects %v, want %v", fs[0].Objects, tc.objects)
			}
		})
	}
}

func names(ns []checks.Name) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = string(n)
	}
	return out
}

func TestDisplayAndConvert(t *testing.T) {
	r := row("shared_buffers", "16384", "8kB", false)
	if got := display(r); got != "16384 × 8kB" {
		t.Errorf("display %q", got)
	}
	if r.Bytes == nil || *r.Bytes != 128<<20 {
		t.Errorf("bytes %v", r.Bytes)
	}
	if got := display(row("work_mem", "4096", "kB", false)); got != "4096kB" {
		t.Errorf("display %q", got)
	}
	s := row("checkpoint_timeout", "300", "s", false)
	if s.Seconds == nil || *s.Seconds != 300 || s.Bytes != nil {
		t.Errorf("seconds %v bytes %v", s.Seconds, s.Bytes)
	}
	if off := row("statement_timeout", "0", "ms", false); off.Seconds != nil {
		t.Errorf("0 ms should carry no seconds, got %v", *off.Seconds)
	}
}
