package privacy

import (
	"bytes"
	"encoding/json"

	"github.com/pgcheckup/pgcheckup/checks"

	"github.com/pgcheckup/pgcheckup/report"
)

// Report is the last pass over a finished report: it applies secret redaction, the
// site's masking rules and (when anonymizing) every name seen in any check to every
// string in the report, so a name one check saw is hidden in every other check's text.
func (s *Sanitizer) Report(r *report.Report) error {
	for i := range r.Nodes {
		n := &r.Nodes[i]
		n.Database = s.name(n.Database)
		n.User = s.name(n.User)
		n.Error = s.final(n.Error)
	}
	for i := range r.Checks {
		c := &r.Checks[i]
		for j := range c.Results {
			res := &c.Results[j]
			res.Reason = s.final(res.Reason)
			res.Hint = s.final(res.Hint)
			if len(res.Data) == 0 {
				continue
			}
			dec := json.NewDecoder(bytes.NewReader(res.Data))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				return err
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(s.finalAny(v)); err != nil {
				return err
			}
			res.Data = bytes.TrimRight(buf.Bytes(), "\n")
		}
		for j := range c.Findings {
			f := &c.Findings[j]
			f.Conclusion = s.final(f.Conclusion)
			f.Recommendation = s.final(f.Recommendation)
			for k := range f.Objects {
				f.Objects[k] = checks.Name(s.final(string(f.Objects[k])))
			}
		}
	}
	return nil
}

func (s *Sanitizer) finalAny(v any) any {
	switch x := v.(type) {
	case string:
		return s.final(x)
	case []any:
		for i := range x {
			x[i] = s.finalAny(x[i])
		}
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[s.final(k)] = s.finalAny(e)
		}
		return out
	}
	return v
}

// final replaces known names first, so that a name that looks like a secret assignment
// ("myapp token=abc") goes whole instead of being cut by the redaction.
func (s *Sanitizer) final(t string) string {
	if s.p.Anonymizer != nil {
		t = s.p.Anonymizer.Replace(t)
	}
	t = RedactSecrets(t)
	for _, m := range s.p.Mask {
		t = m.Pattern.ReplaceAllString(t, m.Replacement)
	}
	return t
}

// Register makes names known to the anonymizer before any check runs (the user and
// database of the connection), so log lines and errors can hide them too.
func (s *Sanitizer) Register(names ...string) {
	for _, n := range names {
		s.name(n)
	}
}

// Message applies the final pass to a log or error message.
func (s *Sanitizer) Message(m string) string { return s.final(m) }
