package privacy

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/report"
)

type row struct {
	Table   checks.Name       `json:"table"`
	Def     checks.Definition `json:"def"`
	Query   checks.QueryText  `json:"query"`
	Rows    checks.Estimate   `json:"rows"`
	Setting checks.Setting    `json:"setting"`
	Note    checks.Text       `json:"note"`
	ByName  map[checks.Name]checks.Estimate
	Ptr     *checks.Text
}

func sample() *checks.Outcome {
	note := checks.Text("acme_orders grows fast; password=hunter2")
	return &checks.Outcome{
		Data: []row{{
			Table: "acme_orders", Def: `CREATE INDEX acme_idx ON public.acme_orders USING btree (acme_col)`,
			Query: "SELECT * FROM acme_orders WHERE acme_col = 'secret-lit' /* by alice */", Rows: 123456,
			Setting: checks.Setting{Name: "primary_conninfo", Value: "host=h user=u password=pw1 sslkey=/k"},
			Note:    note, ByName: map[checks.Name]checks.Estimate{"acme_orders": 987654}, Ptr: &note,
		}},
		Findings: []checks.Finding{{Code: "X/y", Conclusion: "Table `acme_orders` is big", Objects: []checks.Name{"acme_orders"}}},
	}
}

func encode(t *testing.T, o *checks.Outcome) string {
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSanitizeDefault(t *testing.T) {
	s, _ := New(Policy{})
	o := sample()
	if err := s.Outcome(o); err != nil {
		t.Fatal(err)
	}
	out := encode(t, o)
	for _, leak := range []string{"secret-lit", "alice", "hunter2", "pw1", "/k"} {
		if strings.Contains(out, leak) {
			t.Errorf("leaks %q: %s", leak, out)
		}
	}
	if !strings.Contains(out, "acme_orders") || !strings.Contains(out, "123456") {
		t.Errorf("names or counts lost without anonymize/round: %s", out)
	}
}

func TestSanitizeAnonymizeRoundMask(t *testing.T) {
	a, _ := NewAnonymizer([]byte("0123456789abcdef0123456789abcdef"))
	s, _ := New(Policy{Anonymizer: a, RoundCounts: true,
		Mask: []MaskRule{{Pattern: regexp.MustCompile(`grows \w+`), Replacement: "[masked]"}}})
	o := sample()
	if err := s.Outcome(o); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(o.Data)
	rep := &report.Report{Checks: []report.Check{{ID: "X001", Results: []report.Result{{Data: b}}, Findings: o.Findings}}}
	var all strings.Builder
	rep.Write(&all)
	out := all.String()
	for _, leak := range []string{"acme", "secret-lit", "hunter2", "grows fast", "123456", "987654"} {
		if strings.Contains(out, leak) {
			t.Errorf("leaks %q:\n%s", leak, out)
		}
	}
	for _, want := range []string{"120000", "990000", "[masked]", a.Pseudonym("acme_orders"), "USING btree"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q:\n%s", want, out)
		}
	}
	// The same key gives the same pseudonym in a new run.
	b2, _ := NewAnonymizer([]byte("0123456789abcdef0123456789abcdef"))
	if a.Pseudonym("acme_orders") != b2.Pseudonym("acme_orders") {
		t.Error("pseudonyms are not stable")
	}
}

func TestRoundTwo(t *testing.T) {
	for in, want := range map[float64]float64{0: 0, 7: 7, 12: 12, 123: 120, 987654: 990000, -1: -1, 1.234: 1.2} {
		if got := RoundTwo(in); got != want {
			t.Errorf("RoundTwo(%v) = %v, want %v", in, got, want)
		}
	}
}

// appOutcome is a check's outcome that shows an application name in data and in a
// finding's code span, the way G002 does.
func appOutcome(app string) *checks.Outcome {
	return &checks.Outcome{
		Data:     struct{ App checks.Name }{checks.Name(app)},
		Findings: []checks.Finding{{Conclusion: "Sessions of " + checks.Code(app) + " are idle in transaction.", Objects: []checks.Name{checks.Name(app)}}},
	}
}

// fullReport runs an outcome through both passes and returns the report's JSON.
func fullReport(t *testing.T, s *Sanitizer, o *checks.Outcome) (string, *report.Report) {
	t.Helper()
	if err := s.Outcome(o); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(o.Data)
	rep := &report.Report{Checks: []report.Check{{ID: "X001", Results: []report.Result{{Data: b}}, Findings: o.Findings}}}
	var all strings.Builder
	rep.Write(&all)
	return all.String(), rep
}

// TestApplicationNameWithSecret: an application name that looks like a secret
// assignment is replaced whole by its pseudonym when anonymizing, and its value is
// starred otherwise; either way the code span around it stays closed.
func TestApplicationNameWithSecret(t *testing.T) {
	const app = "myapp token=abc"
	a, _ := NewAnonymizer([]byte("0123456789abcdef0123456789abcdef"))
	s, _ := New(Policy{Anonymizer: a})
	out, rep := fullReport(t, s, appOutcome(app))
	for _, leak := range []string{"myapp", "abc", "token"} {
		if strings.Contains(out, leak) {
			t.Errorf("anonymized report shows %q:\n%s", leak, out)
		}
	}
	if want := "Sessions of `" + a.Pseudonym(app) + "` are idle in transaction."; rep.Checks[0].Findings[0].Conclusion != want {
		t.Errorf("anonymized conclusion\n got %s\nwant %s", rep.Checks[0].Findings[0].Conclusion, want)
	}
	// Log lines and error messages take the final pass alone.
	if got := s.Message("session of " + app + " ended"); got != "session of "+a.Pseudonym(app)+" ended" {
		t.Errorf("anonymized message: %s", got)
	}

	s, _ = New(Policy{})
	out, rep = fullReport(t, s, appOutcome(app))
	if strings.Contains(out, "abc") {
		t.Errorf("report shows the token:\n%s", out)
	}
	if want := "Sessions of `myapp token=" + Stars + "` are idle in transaction."; rep.Checks[0].Findings[0].Conclusion != want {
		t.Errorf("conclusion\n got %s\nwant %s", rep.Checks[0].Findings[0].Conclusion, want)
	}
}
