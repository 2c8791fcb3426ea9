package g005

import (
	"context"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

// Setting is one pg_settings row with its value and compiled-in default converted to
// bytes or seconds where the unit allows, so the report can show "2 ms" or "64.0 MiB".
type Setting struct {
	pgsettings.Row
	Bytes          *int64   `json:"bytes,omitempty"`
	Seconds        *float64 `json:"seconds,omitempty"`
	DefaultBytes   *int64   `json:"default_bytes,omitempty"`
	DefaultSeconds *float64 `json:"default_seconds,omitempty"`
}

// readSettings returns the named settings the server has, in the order of names.
func readSettings(ctx context.Context, db checks.Querier, sql string, names []string) ([]Setting, error) {
	rows, err := pgsettings.Read(ctx, db, sql, names)
	if err != nil {
		return nil, err
	}
	out := make([]Setting, 0, len(rows))
	for _, n := range names {
		if r, ok := rows[n]; ok {
			out = append(out, convert(r))
		}
	}
	return out, nil
}

func convert(r pgsettings.Row) Setting {
	s := Setting{Row: r}
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

// settings indexes rows by name; a missing name (older major) gives a zero Row and false.
type settings map[string]pgsettings.Row

func index(list []Setting) settings {
	m := settings{}
	for _, s := range list {
		m[string(s.Name)] = s.Row
	}
	return m
}

func (m settings) float(name string) (float64, bool) {
	r, ok := m[name]
	if !ok {
		return 0, false
	}
	return r.Float()
}
