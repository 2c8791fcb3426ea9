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
	"sync"

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
type Sanitizer struct {
	p Policy
	// normalized keeps normalize's result per text (a normalizedText) for the run: the
	// workload checks list many of the same statements, in several listings and on
	// several nodes.
	normalized sync.Map
}

type normalizedText struct {
	text string
	ok   bool
}

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
	typeHost       = reflect.TypeFor[checks.Host]()
	typeQuery      = reflect.TypeFor[checks.QueryText]()
	typeDefinition = reflect.TypeFor[checks.Definition]()
	typeEstimate   = reflect.TypeFor[checks.Estimate]()
	typeSetting    = reflect.TypeFor[checks.Setting]()
)

// Outcome rewrites the database strings of one check's outcome in place, by type.
func (s *Sanitizer) Outcome(o *checks.Outcome) error {
	return s.Outcomes([]*checks.Outcome{o})
}

// Outcomes rewrites the database strings of every outcome of a run in place, by type:
// names where they are names, definitions and query texts token by token, masks on
// every database string; never keys (the report's JSON keys are struct tags), labels
// or the names of the server's own settings. Names are replaced in free text (Text,
// findings) too: that pass comes after every outcome's names are known, so a name one
// check saw is hidden in every other check's text.
func (s *Sanitizer) Outcomes(list []*checks.Outcome) error {
	if s.p.Anonymizer != nil {
		for _, o := range list {
			if o != nil {
				s.protectSettings(reflect.ValueOf(o.Data))
			}
		}
	}
	lost := make([]withheld, len(list))
	for i, o := range list {
		if o == nil {
			continue
		}
		// Checks write findings from the raw definitions: the literals those lose are
		// collected first, to be withheld from the findings' text too.
		lost[i] = withheld{lits: map[string]bool{}}
		s.definitionLiterals(reflect.ValueOf(o.Data), &lost[i])
		s.each(o, namesPass)
		for j := range o.Findings {
			f := &o.Findings[j]
			for k := range f.Objects {
				f.Objects[k] = checks.Name(s.nameOut(string(f.Objects[k])))
			}
		}
	}
	for i, o := range list {
		if o == nil {
			continue
		}
		s.each(o, textPass)
		for j := range o.Findings {
			f := &o.Findings[j]
			f.Conclusion = s.mask(s.Text(withoutLiterals(f.Conclusion, lost[i])))
			f.Recommendation = s.mask(s.Text(withoutLiterals(f.Recommendation, lost[i])))
		}
	}
	return nil
}

// pass is one of the two walks over an outcome's data.
type pass int

const (
	// namesPass replaces names, definitions and query texts (learning every name).
	namesPass pass = iota
	// textPass replaces the names known by then inside free text and setting values.
	textPass
)

// each walks o.Data through a settable copy of its value.
func (s *Sanitizer) each(o *checks.Outcome, p pass) {
	if o.Data == nil {
		return
	}
	v := reflect.ValueOf(o.Data)
	cp := reflect.New(v.Type()).Elem()
	cp.Set(v)
	s.walk(cp, p)
	o.Data = cp.Interface()
}

// protectSettings tells the anonymizer the names of the server's settings found in v (a
// statement "SET work_mem = $1" then keeps work_mem, and so do recommendations that name
// it) and the names in v, before definitions and query texts are read.
func (s *Sanitizer) protectSettings(v reflect.Value) {
	if !v.IsValid() {
		return
	}
	switch v.Type() {
	case typeSetting:
		if n := string(v.Interface().(checks.Setting).Name); builtinSetting(n) {
			s.p.Anonymizer.Protect(n)
		}
		return
	case typeName:
		// Known before definitions and query texts are read: a column named "name"
		// scans as a keyword there and is taken for a name only when it is known.
		s.name(v.String())
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			s.protectSettings(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				s.protectSettings(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			s.protectSettings(v.Index(i))
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			s.protectSettings(iter.Value())
		}
	}
}

func (s *Sanitizer) walk(v reflect.Value, p pass) {
	switch v.Type() {
	case typeName:
		if p == namesPass {
			v.SetString(s.nameOut(v.String()))
		}
		return
	case typeText:
		if p == textPass {
			v.SetString(s.mask(s.Text(v.String())))
		}
		return
	case typeQuery:
		if p == namesPass {
			v.SetString(s.mask(s.query(v.String())))
		}
		return
	case typeHost:
		if p == namesPass {
			s.RegisterHost(v.String())
			v.SetString(s.final(v.String()))
		}
		return
	case typeDefinition:
		if p == namesPass {
			d, _ := s.definition(v.String())
			v.SetString(s.mask(d))
		}
		return
	case typeEstimate:
		if p == namesPass && s.p.RoundCounts {
			v.SetFloat(RoundTwo(v.Float()))
		}
		return
	case typeSetting:
		v.Set(reflect.ValueOf(s.setting(v.Interface().(checks.Setting), p)))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			s.walk(v.Elem(), p)
		}
	case reflect.Interface:
		if !v.IsNil() {
			e := v.Elem()
			cp := reflect.New(e.Type()).Elem()
			cp.Set(e)
			s.walk(cp, p)
			v.Set(cp)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				s.walk(v.Field(i), p)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			s.walk(v.Index(i), p)
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
			s.walk(k, p)
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(iter.Value())
			s.walk(e, p)
			out.SetMapIndex(k, e)
		}
		v.Set(out)
	}
}

// mask applies the site's masking rules.
func (s *Sanitizer) mask(t string) string {
	for _, m := range s.p.Mask {
		t = m.Pattern.ReplaceAllString(t, m.Replacement)
	}
	return t
}

// nameOut is a name as the report shows it: its pseudonym when anonymizing; otherwise
// itself with secrets redacted (an application name "myapp token=abc"); masked.
func (s *Sanitizer) nameOut(n string) string {
	return s.mask(RedactSecrets(s.name(n)))
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
		t = s.p.Anonymizer.Addresses(s.p.Anonymizer.Replace(t))
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
	var n string
	var ok bool
	if v, found := s.normalized.Load(q); found {
		n, ok = v.(normalizedText).text, v.(normalizedText).ok
	} else {
		n, ok = normalize(q)
		s.normalized.Store(q, normalizedText{n, ok})
	}
	switch {
	case !ok && s.p.Anonymizer != nil:
		return s.p.Anonymizer.unparseableKeyed(q)
	case !ok:
		return Unparseable(q)
	case s.p.Anonymizer != nil:
		return s.p.Anonymizer.Definition(n)
	}
	return n
}

// RoundTwo rounds x to two significant digits.
func RoundTwo(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 2, 64), 64)
	return v
}
