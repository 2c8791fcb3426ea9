package checks

import "testing"

func TestDuration(t *testing.T) {
	for _, c := range []struct {
		sec  float64
		want string
	}{
		{0, "0 ms"},
		{0.25, "250 ms"},
		{1, "1s"},
		{59.9, "59s"},
		{61, "1m 1s"},
		{3600 + 120, "1h 2m"},
		{86400*3 + 3600*4 + 59, "3d 4h"},
		{-90, "-1m 30s"},
	} {
		if got := Duration(c.sec); got != c.want {
			t.Errorf("Duration(%v) = %q, want %q", c.sec, got, c.want)
		}
	}
}
