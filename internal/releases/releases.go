// Package releases is pgcheckup's table of PostgreSQL releases: for each major its
// end-of-life date and its minor releases with their dates. A002 and A013 read it.
//
// The embedded table is updated by hand (releases.json: add the new minor to its major's
// list, add a new major with its EOL date, set "as_of" to the day the table was checked
// and "source" to what it was checked against). A newer table in the same format can be
// given at run time with --releases FILE (see file.go). The table never comes from the
// network, so every judgement says how old the table is (see fresh.go).
package releases

import (
	_ "embed"
	"encoding/json"
	"time"
)

//go:embed releases.json
var raw []byte

// Table is the release table.
type Table struct {
	AsOf   Date    `json:"as_of"`
	Source string  `json:"source,omitempty"` // what the table was checked against
	Majors []Major `json:"majors"`           // ascending
	// File is "" for the embedded table, else the path it was read from (never reported:
	// a path may name a user).
	File string `json:"-"`
}

// Major is one major version.
type Major struct {
	Major    int     `json:"major"`
	Released Date    `json:"released"`
	EOL      Date    `json:"eol"`
	Minors   []Minor `json:"minors"` // oldest first; may leave out old minors, never the newest
}

// Minor is one minor release.
type Minor struct {
	Minor    int  `json:"minor"`
	Released Date `json:"released"`
}

// Date is a calendar date written as "2006-01-02".
type Date struct{ time.Time }

// UnmarshalJSON reads "2006-01-02".
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := time.Parse(time.DateOnly, s)
	d.Time = t
	return err
}

// MarshalJSON writes "2006-01-02".
func (d Date) MarshalJSON() ([]byte, error) { return json.Marshal(d.Format(time.DateOnly)) }

// Load parses and validates the embedded table.
func Load() (*Table, error) { return Parse(raw, "built-in release table") }

// Find returns the entry for major, or nil.
func (t *Table) Find(major int) *Major {
	for i := range t.Majors {
		if t.Majors[i].Major == major {
			return &t.Majors[i]
		}
	}
	return nil
}

// Newest returns the newest major in the table.
func (t *Table) Newest() int {
	n := 0
	for _, m := range t.Majors {
		n = max(n, m.Major)
	}
	return n
}

// NewestRelease is the date of the most recent release of any major in the table.
func (t *Table) NewestRelease() time.Time {
	var n time.Time
	for _, m := range t.Majors {
		if r := m.Latest().Released.Time; r.After(n) {
			n = r
		}
	}
	return n
}

// Latest is the newest known minor of the major.
func (m *Major) Latest() Minor { return m.Minors[len(m.Minors)-1] }

// Behind lists the minors in the table released after minor. A table may leave out old
// minors (one made from postgresql.org's feed lists only the newest), so this can be
// shorter than Missed.
func (m *Major) Behind(minor int) []Minor {
	var out []Minor
	for _, x := range m.Minors {
		if x.Minor > minor {
			out = append(out, x)
		}
	}
	return out
}

// Missed counts the minor releases after minor up to the newest known one. Minor numbers
// of a major are consecutive (10.0, 10.1, ...), so this holds even when the table leaves
// some of them out.
func (m *Major) Missed(minor int) int { return max(0, m.Latest().Minor-minor) }

// VersionNum splits server_version_num (e.g. 170002) into major and minor.
func VersionNum(n int) (major, minor int) { return n / 10000, n % 10000 }

// User is a check that judges versions by a release table; pgcheckup run hands it the
// table of --releases. Without one it uses the embedded table.
type User interface{ UseReleases(*Table) }
