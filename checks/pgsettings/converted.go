package pgsettings

import (
	"context"

	"github.com/pgcheckup/pgcheckup/checks"
)

// Converted is one setting with its value and compiled-in default converted to bytes or
// seconds where the unit allows, so a report can show "2 ms" or "64.0 MiB".
type Converted struct {
	Row
	Bytes          *int64   `json:"bytes,omitempty"`
	Seconds        *float64 `json:"seconds,omitempty"`
	DefaultBytes   *int64   `json:"default_bytes,omitempty"`
	DefaultSeconds *float64 `json:"default_seconds,omitempty"`
}

// ReadConverted returns the named settings the server has, in the order of names.
func ReadConverted(ctx context.Context, db checks.Querier, sql string, names []string) ([]Converted, error) {
	rows, err := Read(ctx, db, sql, names)
	if err != nil {
		return nil, err
	}
	out := make([]Converted, 0, len(rows))
	for _, n := range names {
		if r, ok := rows[n]; ok {
			out = append(out, Convert(r))
		}
	}
	return out, nil
}

// Convert fills in the converted values of r.
func Convert(r Row) Converted {
	s := Converted{Row: r}
	def := r
	def.Value = r.BootVal
	if b, ok := r.Bytes(); ok {
		s.Bytes = &b
	}
	if b, ok := def.Bytes(); ok {
		s.DefaultBytes = &b
	}
	if v, ok := r.Seconds(); ok && v > 0 {
		s.Seconds = &v
	}
	if v, ok := def.Seconds(); ok && v > 0 {
		s.DefaultSeconds = &v
	}
	return s
}

// Index holds settings by name; a missing name (an older major) gives a zero Row.
type Index map[string]Row

// NewIndex indexes list by name.
func NewIndex(list []Converted) Index {
	m := Index{}
	for _, s := range list {
		m[string(s.Name)] = s.Row
	}
	return m
}

// Float parses the numeric value of name; false when absent or not a number.
func (m Index) Float(name string) (float64, bool) {
	r, ok := m[name]
	if !ok {
		return 0, false
	}
	return r.Float()
}
