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
			id := int64(i)
			d.Top = append(d.Top, Statement{QueryID: &id, TotalMS: s * 10, Calls: 1})
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
	hidden := mk(60, 40)
	hidden.Top[0].QueryID, hidden.Top[0].Hidden = nil, true
	if got := analyze(hidden, cfg); len(got) != 1 || got[0].Conclusion[:40] != "One statement (another role's, text hidd" {
		t.Errorf("hidden dominant statement: %+v", got)
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

func TestAnalyzeHidden(t *testing.T) {
	got := analyze(Data{Statements: 5, Hidden: 3, User: "mon"}, New().cfg)
	if len(got) != 1 || got[0].Code != "K003/texts-hidden" || got[0].Severity != checks.Info ||
		got[0].Recommendation[:46] != "To see them: `GRANT pg_read_all_stats TO mon;`" {
		t.Errorf("got %+v", got)
	}
}
