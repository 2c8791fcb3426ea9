// Package privacy is the one path every string from the database takes into a report:
// secret redaction, query-text normalization, site masking rules, anonymization and
// rounding of row counts.
package privacy

import (
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"

	"github.com/pgcheckup/pgcheckup/checks"
)

// MaskRule replaces matches of a regular expression in every string of the report.
type MaskRule struct {
	Pattern     *regexp.Regexp
	Replacement string
}

// Policy says what may leave the database.
type Policy struct {
	QueryText   string // QueryNormalized (default), QueryNone or QueryRaw
	Mask        []MaskRule
	Anonymizer  *Anonymizer // nil: names are kept
	RoundCounts bool
	// DefinitionLiterals keeps the literals of definitions (index predicates, CHECK
	// constraints, defaults); by default each becomes a placeholder ($1, $2, ...).
	DefinitionLiterals bool
}

// Sanitizer applies a Policy.
type Sanitizer struct{ p Policy }

// New returns a sanitizer for p.
func New(p Policy) (*Sanitizer, error) {
	switch p.QueryText {
	case "":
		p.QueryText = QueryNormalized
	case QueryNormalized, QueryNone, QueryRaw:
	default:
		return nil, fmt.Errorf("query text policy %q: want normalized, none or raw", p.QueryText)
	}
	return &Sanitizer{p: p}, nil
}

var (
	typeName       = reflect.TypeFor[checks.Name]()
	typeText       = reflect.TypeFor[checks.Text]()
	typeQuery      = reflect.TypeFor[checks.QueryText]()
	typeDefinition = reflect.TypeFor[checks.Definition]()
	typeEstimate   = reflect.TypeFor[checks.Estimate]()
	typeSetting    = reflect.TypeFor[checks.Setting]()
)

// Outcome rewrites the database strings of a check's outcome in place, by type.
func (s *Sanitizer) Outcome(o *checks.Outcome) error {
	// Checks write findings from the raw definitions: the literals those lose are
	// collected first, to be withheld from the findings' text too.
	w := withheld{lits: map[string]bool{}}
	s.definitionLiterals(reflect.ValueOf(o.Data), &w)
	if o.Data != nil {
		v := reflect.ValueOf(o.Data)
		cp := reflect.New(v.Type()).Elem()
		cp.Set(v)
		s.walk(cp)
		o.Data = cp.Interface()
	}
	for i := range o.Findings {
		f := &o.Findings[i]
		for j := range f.Objects {
			f.Objects[j] = checks.Name(s.name(string(f.Objects[j])))
		}
		f.Conclusion = s.Text(withoutLiterals(f.Conclusion, w))
		f.Recommendation = s.Text(withoutLiterals(f.Recommendation, w))
	}
	return nil
}

func (s *Sanitizer) walk(v reflect.Value) {
	switch v.Type() {
	case typeName:
		v.SetString(s.name(v.String()))
		return
	case typeText:
		v.SetString(s.Text(v.String()))
		return
	case typeQuery:
		v.SetString(s.query(v.String()))
		return
	case typeDefinition:
		d, _ := s.definition(v.String())
		v.SetString(d)
		return
	case typeEstimate:
		if s.p.RoundCounts {
			v.SetFloat(RoundTwo(v.Float()))
		}
		return
	case typeSetting:
		v.Set(reflect.ValueOf(s.setting(v.Interface().(checks.Setting))))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			s.walk(v.Elem())
		}
	case reflect.Interface:
		if !v.IsNil() {
			e := v.Elem()
			cp := reflect.New(e.Type()).Elem()
			cp.Set(e)
			s.walk(cp)
			v.Set(cp)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				s.walk(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			s.walk(v.Index(i))
		}
	case reflect.Map:
		if v.IsNil() {
			return
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		iter := v.MapRange()
		for iter.Next() {
			k := reflect.New(v.Type().Key()).Elem()
			k.Set(iter.Key())
			s.walk(k)
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(iter.Value())
			s.walk(e)
			out.SetMapIndex(k, e)
		}
		v.Set(out)
	}
}

func (s *Sanitizer) name(n string) string {
	if s.p.Anonymizer != nil {
		return s.p.Anonymizer.Pseudonym(n)
	}
	return n
}

// Text redacts secrets in free text from the database. Known names are replaced first:
// a name that looks like a secret assignment ("myapp token=abc") then goes whole.
func (s *Sanitizer) Text(t string) string {
	if s.p.Anonymizer != nil {
		t = s.p.Anonymizer.Replace(t)
	}
	return RedactSecrets(t)
}

func (s *Sanitizer) query(q string) string {
	switch s.p.QueryText {
	case QueryNone:
		return ""
	case QueryRaw:
		return q
	}
	q = NormalizeQuery(q)
	if s.p.Anonymizer != nil {
		q = s.p.Anonymizer.Definition(q)
	}
	return q
}

// RoundTwo rounds x to two significant digits.
func RoundTwo(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 2, 64), 64)
	return v
}
