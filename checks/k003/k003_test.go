package k003

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func TestPick(t *testing.T) {
	for ext, want := range map[string]string{"1.7": queryV17, "1.8": queryV18, "1.10": queryV18, "1.11": queryV111, "1.12": queryV111} {
		if pick(ext) != want {
			t.Errorf("pick(%s) chose the wrong statement", ext)
		}
	}
}

func TestAnalyze(t *testing.T) {
	cfg := New().cfg
	mk := func(shares ...float64) Data {
		d := Data{TotalMS: 1000, Statements: int64(len(shares))}
		for i, s := range shares {
			d.Top = append(d.Top, Statement{QueryID: int64(i), TotalMS: s * 10, Calls: 1})
		}
		derive(&d)
		return d
	}
	cases := []struct {
		d    Data
		want int
	}{
		{mk(50, 30, 20), 1},
		{mk(49.9, 30, 20.1), 0},
		{mk(100), 0}, // a single statement dominating nothing is not news
	}
	for i, c := range cases {
		got := analyze(c.d, cfg)
		if len(got) != c.want {
			t.Errorf("case %d: %d findings, want %d", i, len(got), c.want)
		}
		for _, f := range got {
			if f.Severity != checks.P3 || f.Code != "K003/dominant-statement" {
				t.Errorf("case %d: %+v", i, f)
			}
		}
	}
}
