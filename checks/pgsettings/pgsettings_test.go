package pgsettings

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func TestBytes(t *testing.T) {
	cases := []struct {
		val, unit string
		want      int64
		ok        bool
	}{
		{"16384", "8kB", 16384 * 8192, true},
		{"4096", "kB", 4 << 20, true},
		{"1024", "MB", 1 << 30, true},
		{"-1", "kB", 0, false},
		{"on", "", 0, false},
	}
	for _, c := range cases {
		r := Row{Setting: checks.Setting{Value: checks.Text(c.val)}, Unit: checks.Text(c.unit)}
		got, ok := r.Bytes()
		if got != c.want || ok != c.ok {
			t.Errorf("%s %s: got %d %v", c.val, c.unit, got, ok)
		}
	}
}

func TestSeconds(t *testing.T) {
	r := Row{Setting: checks.Setting{Value: "300"}, Unit: "s"}
	if v, ok := r.Seconds(); !ok || v != 300 {
		t.Fatal(v, ok)
	}
	r = Row{Setting: checks.Setting{Value: "1500"}, Unit: "ms"}
	if v, ok := r.Seconds(); !ok || v != 1.5 {
		t.Fatal(v, ok)
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"64GB": 64 << 30, "512MB": 512 << 20, "8kB": 8192, "1024": 1024, "1.5GiB": 3 << 29} {
		got, err := ParseBytes(in)
		if err != nil || got != want {
			t.Errorf("%s: %d %v", in, got, err)
		}
	}
	if _, err := ParseBytes("lots"); err == nil {
		t.Error("want error")
	}
}
