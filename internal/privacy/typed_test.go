package privacy

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
)

// collide is data whose names are the words the report uses for keys, labels and
// settings: a typed pass must replace them only where they are names.
type collide struct {
	Schema     checks.Name     `json:"schema"`
	Rows       checks.Estimate `json:"rows"`
	Confidence checks.Label    `json:"confidence"`
	Setting    checks.Setting  `json:"setting"`
	Custom     checks.Setting  `json:"custom"`
	Query      checks.QueryText
	Note       checks.Text
}

func collideOutcomes() []*checks.Outcome {
	return []*checks.Outcome{
		{Data: &collide{Schema: "rows", Rows: 5, Confidence: "high",
			Setting: checks.Setting{Name: "work_mem", Value: "4MB"},
			Custom:  checks.Setting{Name: "app.secret", Value: "x"},
			Query:   "SET work_mem = '64MB'", Note: "table rows is locked"},
			Findings: []checks.Finding{{Code: "G/x", Conclusion: "Table `rows` in `high`",
				Recommendation: "`ALTER SYSTEM SET work_mem = '64MB';`", Objects: []checks.Name{"rows"}}}},
		// A second check sees the name "high" only later: text of the first must hide it.
		{Data: &collide{Schema: "high", Confidence: "unknown", Setting: checks.Setting{Name: "statement_timeout"}}},
	}
}

// TestTypedPassKeepsKeysLabelsAndSettings: names are replaced where they are names and
// in text, never in keys, labels or the names of the server's own settings.
func TestTypedPassKeepsKeysLabelsAndSettings(t *testing.T) {
	a, _ := NewAnonymizer([]byte("0123456789abcdef0123"))
	s, _ := New(Policy{Anonymizer: a, Mask: []MaskRule{{Pattern: regexp.MustCompile(`schema|locked`), Replacement: "***"}}})
	outs := collideOutcomes()
	if err := s.Outcomes(outs); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(outs[0])
	got := string(b)
	for _, want := range []string{`"schema":"n_`, `"rows":5`, `"confidence":"high"`, `"name":"work_mem"`, "ALTER SYSTEM SET work_mem", "is ***",
		`"custom":{"name":"app.secret","value":"(hidden: custom setting)","hidden":true}`} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in %s", want, got)
		}
	}
	for _, leak := range []string{"`rows`", "`high`", "table rows", `"rows"]`} {
		if strings.Contains(got, leak) {
			t.Errorf("leaks %s in %s", leak, got)
		}
	}
	b, _ = json.Marshal(outs[1])
	if !strings.Contains(string(b), `"confidence":"unknown"`) || !strings.Contains(string(b), `"name":"statement_timeout"`) {
		t.Errorf("second outcome: %s", b)
	}
}

// TestHiddenMarkerStays: the marker of a hidden custom setting is pgcheckup's text, not
// the database's: names that happen to be its words do not change it.
func TestHiddenMarkerStays(t *testing.T) {
	a, _ := NewAnonymizer([]byte("0123456789abcdef0123"))
	s, _ := New(Policy{Anonymizer: a})
	outs := []*checks.Outcome{
		{Data: &collide{Schema: "hidden", Custom: checks.Setting{Name: "app.key", Value: "s3"}}},
		{Data: &collide{Schema: "custom", Note: "setting"}},
	}
	if err := s.Outcomes(outs); err != nil {
		t.Fatal(err)
	}
	if got := outs[0].Data.(*collide).Custom; got.Value != HiddenValue || !got.Hidden {
		t.Fatalf("custom setting %+v", got)
	}
}

// TestUnparseableHasNoBareHash: an unkeyed hash of a short query lets anyone confirm a
// guess; the marker carries an HMAC with the project key, or no hash at all.
func TestUnparseableHasNoBareHash(t *testing.T) {
	q := "SELECT 'x"
	sum := sha256.Sum256([]byte(q))
	bare := hex.EncodeToString(sum[:6])
	plain, _ := New(Policy{})
	a, _ := NewAnonymizer([]byte("0123456789abcdef0123"))
	anon, _ := New(Policy{Anonymizer: a})
	for name, s := range map[string]*Sanitizer{"plain": plain, "anonymized": anon} {
		qt := checks.QueryText(q)
		if err := s.Outcome(&checks.Outcome{Data: &qt}); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(qt), "<query text withheld") || strings.Contains(string(qt), bare) {
			t.Errorf("%s: %q", name, qt)
		}
	}
}

// TestReplaceIsLinear: each string is tokenized once and each word looked up, instead of
// every known name searched in every string.
func TestReplaceIsLinear(t *testing.T) {
	a, _ := NewAnonymizer([]byte("0123456789abcdef0123"))
	for i := 0; i < 20000; i++ {
		a.Pseudonym(fmt.Sprintf("table_%d", i))
	}
	text := strings.Repeat("table table_17 is bloated, see table_19999; ", 4)
	start := time.Now()
	var out string
	for i := 0; i < 2000; i++ {
		out = a.Replace(text)
	}
	if strings.Contains(out, "table_17") || !strings.Contains(out, "table ") {
		t.Fatalf("replace: %s", out)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("2,000 replacements over 20,000 names took %s", d)
	}
}

// TestAnonymizerNoRace: names are learned while other goroutines replace text (run
// with -race).
func TestAnonymizerNoRace(t *testing.T) {
	a, _ := NewAnonymizer([]byte("0123456789abcdef0123"))
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				a.Pseudonym(fmt.Sprintf("t%d_%d", g, i))
				a.Replace("t0_1 and t1_2 and my table")
			}
		}()
	}
	wg.Wait()
}

// TestKeywordNamedObjects: objects named like SQL's unreserved keywords (rows, schema,
// name, type, unknown) are written unquoted by the server; the scanner sees keywords.
// They are names all the same, in definitions and in query texts once known.
func TestKeywordNamedObjects(t *testing.T) {
	a, _ := NewAnonymizer([]byte("0123456789abcdef0123"))
	s, _ := New(Policy{Anonymizer: a})
	type d struct {
		Table checks.Name
		Def   checks.Definition
		Drop  checks.Definition
		Query checks.QueryText
	}
	o := &checks.Outcome{Data: &d{Table: "rows",
		Def:   "CREATE INDEX name ON schema.rows USING btree (lower(name), (type)::integer) WHERE (state <> 'x'::text)",
		Drop:  "GRANT SELECT ON SEQUENCE public.state TO rows;",
		Query: "SELECT name, type FROM schema.rows WHERE state = 's' ORDER BY name NULLS FIRST"}}
	if err := s.Outcome(o); err != nil {
		t.Fatal(err)
	}
	got := o.Data.(*d)
	all := string(got.Def) + " | " + string(got.Drop) + " | " + string(got.Query)
	if m := regexp.MustCompile(`\b(name|schema|rows|type|state)\b`).FindString(all); m != "" {
		t.Errorf("%q left in %s", m, all)
	}
	for _, keep := range []string{"CREATE INDEX", "USING btree", "::integer", "::text", "GRANT SELECT ON SEQUENCE", "ORDER BY", "NULLS FIRST"} {
		if !strings.Contains(all, keep) {
			t.Errorf("lost %q: %s", keep, all)
		}
	}
}
