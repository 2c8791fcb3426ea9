package releases

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"time"
)

// MaxFileBytes bounds a release table read from a file: the real one is about 20 kB.
const MaxFileBytes = 1 << 20

// LoadFile reads a release table from path (--releases). The file is not trusted: it is
// read whole up to MaxFileBytes and validated as strictly as the embedded table, and an
// as_of after now (plus a day for time zones) is refused, since a table dated in the
// future would never look old. Errors name the file.
func LoadFile(path string, now time.Time) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("release table %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("release table %s: %w", path, err)
	}
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("release table %s: larger than %d bytes", path, MaxFileBytes)
	}
	t, err := Parse(data, "release table "+path)
	if err != nil {
		return nil, err
	}
	if t.AsOf.After(now.AddDate(0, 0, 1)) {
		return nil, fmt.Errorf("release table %s: as_of %s is in the future", path, t.AsOf.Format(time.DateOnly))
	}
	t.File = path
	return t, nil
}

// The shape of the JSON as read: pointers tell a missing number from a zero.
type fileTable struct {
	AsOf   *Date       `json:"as_of"`
	Source string      `json:"source"`
	Majors []fileMajor `json:"majors"`
}

type fileMajor struct {
	Major    *int        `json:"major"`
	Released *Date       `json:"released"`
	EOL      *Date       `json:"eol"`
	Minors   []fileMinor `json:"minors"`
}

type fileMinor struct {
	Minor    *int  `json:"minor"`
	Released *Date `json:"released"`
}

// Dates outside these bounds are typos (PostgreSQL 10 came out in 2017).
var (
	firstDate = time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC)
	lastDate  = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// Parse decodes and validates a release table; name starts every error message. Unknown
// keys, trailing data, missing fields, duplicates, majors before 10 (numbered
// differently), minors out of date order and releases after as_of are refused. Majors
// and minors are sorted by number.
func Parse(data []byte, name string) (*Table, error) {
	fail := func(format string, args ...any) (*Table, error) {
		return nil, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var ft fileTable
	if err := dec.Decode(&ft); err != nil {
		return fail("%v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fail("data after the table's closing brace")
	}
	if ft.AsOf == nil {
		return fail("missing as_of")
	}
	if len(ft.Majors) == 0 {
		return fail("no majors")
	}
	if len(ft.Source) > 200 {
		return fail("source is longer than 200 characters")
	}
	t := &Table{AsOf: *ft.AsOf, Source: ft.Source}
	if err := inRange("as_of", t.AsOf); err != nil {
		return fail("%v", err)
	}
	seen := map[int]bool{}
	for i, fm := range ft.Majors {
		m, err := major(fm, t.AsOf)
		if err != nil {
			return fail("majors[%d]: %v", i, err)
		}
		if seen[m.Major] {
			return fail("major %d appears twice", m.Major)
		}
		seen[m.Major] = true
		t.Majors = append(t.Majors, m)
	}
	sort.Slice(t.Majors, func(i, j int) bool { return t.Majors[i].Major < t.Majors[j].Major })
	return t, nil
}

func major(fm fileMajor, asOf Date) (Major, error) {
	var m Major
	switch {
	case fm.Major == nil:
		return m, errors.New("missing major")
	case *fm.Major < 10 || *fm.Major > 999:
		return m, fmt.Errorf("major %d: want 10 to 999 (majors before 10 are numbered differently)", *fm.Major)
	case fm.Released == nil:
		return m, fmt.Errorf("major %d: missing released", *fm.Major)
	case fm.EOL == nil:
		return m, fmt.Errorf("major %d: missing eol", *fm.Major)
	case len(fm.Minors) == 0:
		return m, fmt.Errorf("major %d: no minors (list at least the newest)", *fm.Major)
	}
	m = Major{Major: *fm.Major, Released: *fm.Released, EOL: *fm.EOL}
	for _, d := range []struct {
		what string
		d    Date
	}{{"released", m.Released}, {"eol", m.EOL}} {
		if err := inRange(d.what, d.d); err != nil {
			return m, fmt.Errorf("major %d: %w", m.Major, err)
		}
	}
	if !m.EOL.After(m.Released.Time) {
		return m, fmt.Errorf("major %d: eol %s is not after released %s", m.Major, day(m.EOL), day(m.Released))
	}
	if m.Released.After(asOf.Time) {
		return m, fmt.Errorf("major %d: released %s is after as_of %s", m.Major, day(m.Released), day(asOf))
	}
	seen := map[int]bool{}
	for _, fn := range fm.Minors {
		switch {
		case fn.Minor == nil:
			return m, fmt.Errorf("major %d: a minor without its number", m.Major)
		case *fn.Minor < 0 || *fn.Minor > 999:
			return m, fmt.Errorf("major %d: minor %d: want 0 to 999", m.Major, *fn.Minor)
		case fn.Released == nil:
			return m, fmt.Errorf("%d.%d: missing released", m.Major, *fn.Minor)
		case seen[*fn.Minor]:
			return m, fmt.Errorf("%d.%d appears twice", m.Major, *fn.Minor)
		}
		seen[*fn.Minor] = true
		n := Minor{Minor: *fn.Minor, Released: *fn.Released}
		if n.Released.Before(m.Released.Time) || n.Released.After(asOf.Time) {
			return m, fmt.Errorf("%d.%d: released %s is not between the major's release %s and as_of %s",
				m.Major, n.Minor, day(n.Released), day(m.Released), day(asOf))
		}
		m.Minors = append(m.Minors, n)
	}
	sort.Slice(m.Minors, func(i, j int) bool { return m.Minors[i].Minor < m.Minors[j].Minor })
	for i := 1; i < len(m.Minors); i++ {
		if a, b := m.Minors[i-1], m.Minors[i]; b.Released.Before(a.Released.Time) {
			return m, fmt.Errorf("%d.%d (released %s) is dated before %d.%d (%s)", m.Major, b.Minor, day(b.Released), m.Major, a.Minor, day(a.Released))
		}
	}
	return m, nil
}

func inRange(what string, d Date) error {
	if d.Before(firstDate) || !d.Before(lastDate) {
		return fmt.Errorf("%s %s: want a date from %s to %s", what, day(d), day(Date{firstDate}), day(Date{lastDate}))
	}
	return nil
}

func day(d Date) string { return d.Format(time.DateOnly) }
