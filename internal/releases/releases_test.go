package releases

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestEmbeddedTableValid(t *testing.T) {
	tab, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if tab.AsOf.IsZero() || tab.Source == "" || tab.Find(15) == nil {
		t.Fatalf("table %+v", tab)
	}
	// What a table writes, Parse reads back (the --releases format is the same).
	b, err := json.Marshal(tab)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(b, "round trip"); err != nil {
		t.Fatal(err)
	}
}

func TestParseRefuses(t *testing.T) {
	good := `{"as_of": "2026-11-01", "source": "x", "majors": [{"major": 17, "released": "2024-09-26", "eol": "2029-11-08",
		"minors": [{"minor": 9, "released": "2026-02-26"}, {"minor": 10, "released": "2026-05-14"}]}]}`
	if tab, err := Parse([]byte(good), "t"); err != nil || tab.Find(17).Latest().Minor != 10 {
		t.Fatalf("good table: %v", err)
	}
	cases := []struct{ from, to, want string }{
		{`"as_of": "2026-11-01"`, `"as_of": null`, "missing as_of"},
		{`"as_of": "2026-11-01"`, `"as_of": 20261101`, "cannot unmarshal number"},
		{`"major": 17`, `"major": "17"`, "cannot unmarshal string"},
		{`"major": 17,`, ``, "missing major"},
		{`"eol": "2029-11-08"`, `"eol": "2024-09-26"`, "not after released"},
		{`"eol": "2029-11-08",`, ``, "missing eol"},
		{`{"minor": 9, "released": "2026-02-26"}`, `{"minor": 9, "released": "2026-06-26"}`, "dated before 17.9"},
		{`{"minor": 9, "released": "2026-02-26"}`, `{"minor": 9, "released": "2024-01-01"}`, "not between"},
		{`{"minor": 9, "released": "2026-02-26"}`, `{"released": "2026-02-26"}`, "without its number"},
		{`{"minor": 9, "released": "2026-02-26"}`, `{"minor": -1, "released": "2026-02-26"}`, "want 0 to 999"},
		{`"released": "2024-09-26"`, `"released": "1995-01-01"`, "want a date from 2017-01-01"},
		{`"source": "x"`, `"source": "` + strings.Repeat("x", 201) + `"`, "longer than 200"},
		{`"majors": [`, `"majors": [{"major": 17, "released": "2024-09-26", "eol": "2029-11-08", "minors": [{"minor": 1, "released": "2024-11-14"}]}, `, "major 17 appears twice"},
		{`"majors": [`, `"majors": [], "x": [`, "unknown field"},
	}
	for _, c := range cases {
		body := strings.Replace(good, c.from, c.to, 1)
		if body == good {
			t.Fatalf("case %q changes nothing", c.want)
		}
		if _, err := Parse([]byte(body), "t.json"); err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "t.json: ") {
			t.Errorf("%s: got %v, want %q", body, err, c.want)
		}
	}
	if _, err := Parse([]byte(`{"as_of": "2026-11-01", "majors": []}`), "t"); err == nil || !strings.Contains(err.Error(), "no majors") {
		t.Errorf("no majors: %v", err)
	}
}

func TestFreshAndClock(t *testing.T) {
	day := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
	tab, err := Parse([]byte(`{"as_of": "2026-06-01", "majors": [{"major": 17, "released": "2024-09-26", "eol": "2029-11-08",
		"minors": [{"minor": 10, "released": "2026-05-14"}]}]}`), "t")
	if err != nil {
		t.Fatal(err)
	}
	if f := tab.Fresh(day("2026-09-11"), 120); f.Stale || f.AgeDays != 102 || f.NewestAgeDays != 120 {
		t.Errorf("120 days after the newest release: %+v", f)
	}
	if f := tab.Fresh(day("2026-09-12"), 120); !f.Stale {
		t.Errorf("121 days after the newest release: %+v", f)
	}
	if f := tab.Fresh(day("2026-01-01"), 120); f.Stale || f.AgeDays != 0 {
		t.Errorf("a clock before the table: %+v", f)
	}
	server, run := day("2030-01-01"), day("2026-06-02")
	if Clock(server, run) != server || Clock(run, server) != server || Clock(time.Time{}, run) != run {
		t.Error("Clock is not the later of the two")
	}
}
