// Package releases is pgcheckup's table of PostgreSQL releases: for each major its
// end-of-life date and its minor releases with their dates. A002 and A013 read it.
//
// To update: edit releases.json (add the new minor to its major's list, newest last;
// add a new major with its EOL date from the project's versioning policy, five years
// after its .0 release) and set "as_of" to the day of the edit. The table never comes
// from the network, so a report says how old the table is.
package releases

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"time"
)

//go:embed releases.json
var raw []byte

// Table is the release table.
type Table struct {
	AsOf   Date    `json:"as_of"`
	Majors []Major `json:"majors"`
}

// Major is one major version.
type Major struct {
	Major    int     `json:"major"`
	Released Date    `json:"released"`
	EOL      Date    `json:"eol"`
	Minors   []Minor `json:"minors"` // oldest first
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

// Load parses the embedded table.
func Load() (*Table, error) {
	var t Table
	if err := json.Unmarshal(raw, &t); err != nil {
		return nil, fmt.Errorf("release table: %w", err)
	}
	return &t, nil
}

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

// Latest is the newest known minor of the major.
func (m *Major) Latest() Minor { return m.Minors[len(m.Minors)-1] }

// Behind lists the minors released after minor.
func (m *Major) Behind(minor int) []Minor {
	var out []Minor
	for _, x := range m.Minors {
		if x.Minor > minor {
			out = append(out, x)
		}
	}
	return out
}

// VersionNum splits server_version_num (e.g. 170002) into major and minor.
func VersionNum(n int) (major, minor int) { return n / 10000, n % 10000 }
