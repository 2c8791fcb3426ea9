package privacy

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

// defOf sanitizes one Definition under p, the way the runner does for a check's data.
func defOf(t *testing.T, p Policy, in string) string {
	t.Helper()
	s, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	o := &checks.Outcome{Data: struct{ D checks.Definition }{checks.Definition(in)}}
	if err := s.Outcome(o); err != nil {
		t.Fatal(err)
	}
	return string(o.Data.(struct{ D checks.Definition }).D)
}

// TestDefinitionLiterals: every literal of a definition becomes a placeholder, keeping
// the statement's structure, casts, storage parameters and type modifiers.
func TestDefinitionLiterals(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// Partial index predicate.
		{`CREATE INDEX i ON public.t USING btree (status) WHERE (status = 'vip-customer-42'::text)`,
			`CREATE INDEX i ON public.t USING btree (status) WHERE (status = $1::text)`},
		// CHECK constraint.
		{`CHECK ((secret <> 'x'::text))`, `CHECK ((secret <> $1::text))`},
		// Expression index.
		{`CREATE INDEX i ON public.t USING btree (((lower(email) || 'salt'::text)))`,
			`CREATE INDEX i ON public.t USING btree (((lower(email) || $1::text)))`},
		// Column defaults, with a type modifier that is structure, not data.
		{`nextval('t_id_seq'::regclass)`, `nextval($1::regclass)`},
		{`'CANARY'::character varying(20)`, `$1::character varying(20)`},
		{`((amount)::numeric(10,2) > 5.5)`, `((amount)::numeric(10,2) > $1)`},
		// Negative numbers: the server prints '-5'::integer; written by hand the sign is
		// part of the literal unless it is a subtraction.
		{`(amount > '-5'::integer)`, `(amount > $1::integer)`},
		{`f(-1, 2-3, (- 4), a - 5)`, `f($1, $2-$3, ($4), a - $5)`},
		// Other literal forms.
		{`(a = E'sec\'ret')`, `(a = $1)`},
		{`(a = $q$secret$q$ OR a = $$x$$)`, `(a = $1 OR a = $2)`},
		{`(b = B'0101' OR b = X'ff')`, `(b = $1 OR b = $2)`},
		{`(u = U&'d\0061t\+000061' UESCAPE '!')`, `(u = $1)`},
		{`(d > date '2024-01-01')`, `(d > date $1)`},
		// Storage parameters are settings, not data.
		{`CREATE INDEX i ON public.t USING btree (a) WITH (fillfactor='70', deduplicate_items='off') WHERE (a > 10)`,
			`CREATE INDEX i ON public.t USING btree (a) WITH (fillfactor='70', deduplicate_items='off') WHERE (a > $1)`},
		// No literal: unchanged.
		{`FOREIGN KEY (a) REFERENCES public.p(id) NOT VALID`, `FOREIGN KEY (a) REFERENCES public.p(id) NOT VALID`},
	} {
		if got := defOf(t, Policy{}, c.in); got != c.want {
			t.Errorf("definition %s\n got %s\nwant %s", c.in, got, c.want)
		}
	}
}

// TestDefinitionUnreadable: text the scanner cannot read is withheld with a marker, never
// passed through.
func TestDefinitionUnreadable(t *testing.T) {
	got := defOf(t, Policy{}, `CHECK ((secret <> 'canary-unterminated`)
	if strings.Contains(got, "canary") || !strings.HasPrefix(got, "<definition withheld") {
		t.Errorf("unreadable definition: %q", got)
	}
}

// TestDefinitionLiteralsOptIn: with the opt-in the literals stay; names are still
// replaced when anonymizing, in the same pass.
func TestDefinitionLiteralsOptIn(t *testing.T) {
	in := `CREATE INDEX acme_idx ON public.acme USING btree (acme_col) WHERE (acme_col = 'canary-vip'::text)`
	if got := defOf(t, Policy{DefinitionLiterals: true}, in); got != in {
		t.Errorf("opt-in changed the definition: %s", got)
	}
	a, _ := NewAnonymizer([]byte("0123456789abcdef0123456789abcdef"))
	got := defOf(t, Policy{Anonymizer: a}, in)
	want := `CREATE INDEX ` + a.Pseudonym("acme_idx") + ` ON public.` + a.Pseudonym("acme") + ` USING btree (` +
		a.Pseudonym("acme_col") + `) WHERE (` + a.Pseudonym("acme_col") + ` = $1::text)`
	if got != want {
		t.Errorf("anonymized\n got %s\nwant %s", got, want)
	}
	got = defOf(t, Policy{Anonymizer: a, DefinitionLiterals: true}, in)
	if !strings.Contains(got, "'canary-vip'") || strings.Contains(got, "acme") {
		t.Errorf("anonymized with literals: %s", got)
	}
}

// TestDefinitionLiteralsInFindings: a check that pastes a definition (or a statement
// made from it) into a finding's text shows the placeholders there too, while literals
// pgcheckup wrote itself stay.
func TestDefinitionLiteralsInFindings(t *testing.T) {
	s, _ := New(Policy{})
	def := `CREATE INDEX i ON public.t USING btree (a) WHERE ((a)::text = 'canary|vip'::text) AND (n > 4242)`
	o := &checks.Outcome{
		Data: struct{ D checks.Definition }{checks.Definition(def)},
		Findings: []checks.Finding{{
			Conclusion: "Index `i` is unused; to recreate it: " +
				checks.Code("CREATE INDEX CONCURRENTLY "+strings.TrimPrefix(def, "CREATE INDEX ")+";") + " (4242 scans)",
			Recommendation: "Save " + checks.Code("SELECT pg_get_indexdef('i'::regclass);") + " first.",
		}},
	}
	if err := s.Outcome(o); err != nil {
		t.Fatal(err)
	}
	f := o.Findings[0]
	want := "Index `i` is unused; to recreate it: " +
		checks.Code(`CREATE INDEX CONCURRENTLY i ON public.t USING btree (a) WHERE ((a)::text = $1::text) AND (n > $2);`) + " (4242 scans)"
	if f.Conclusion != want {
		t.Errorf("conclusion\n got %s\nwant %s", f.Conclusion, want)
	}
	if !strings.Contains(f.Recommendation, "pg_get_indexdef('i'::regclass)") {
		t.Errorf("pgcheckup's own literal was replaced: %s", f.Recommendation)
	}
}

// TestDefinitionUnreadableInFindings: a definition the scanner cannot read is withheld
// from the findings too, where a check pastes it.
func TestDefinitionUnreadableInFindings(t *testing.T) {
	s, _ := New(Policy{})
	def := `CHECK ((a <> 'canary-unterminated))`
	o := &checks.Outcome{
		Data:     struct{ D checks.Definition }{checks.Definition(def)},
		Findings: []checks.Finding{{Conclusion: "Constraint `c` is NOT VALID (" + checks.Code(def+" NOT VALID") + ")."}},
	}
	if err := s.Outcome(o); err != nil {
		t.Fatal(err)
	}
	if want := "Constraint `c` is NOT VALID (" + checks.Code(DefinitionWithheld) + ")."; o.Findings[0].Conclusion != want {
		t.Errorf("conclusion\n got %s\nwant %s", o.Findings[0].Conclusion, want)
	}
}

// TestAnonymizedDefinitionKeepsBuiltinTypes: built-in type names that the scanner sees
// as identifiers (date, regclass, jsonb) describe the shape and stay when anonymizing.
func TestAnonymizedDefinitionKeepsBuiltinTypes(t *testing.T) {
	a, _ := NewAnonymizer([]byte("0123456789abcdef0123456789abcdef"))
	in := `((nextval('s'::regclass) > 0) AND (d > '2024-01-01'::date) AND (j <> '{}'::jsonb))`
	want := `((nextval($1::regclass) > $2) AND (` + a.Pseudonym("d") + ` > $3::date) AND (` + a.Pseudonym("j") + ` <> $4::jsonb))`
	if got := defOf(t, Policy{Anonymizer: a}, in); got != want {
		t.Errorf("anonymized\n got %s\nwant %s", got, want)
	}
}
