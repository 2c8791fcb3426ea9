package report

import (
	"fmt"
	"path/filepath"
	"regexp"

	"github.com/pgcheckup/pgcheckup/checks"
)

// IDPattern is the shape of every check ID: one upper-case letter and three digits (H002).
// A report.json may come from anyone, and an ID names a file (md/<ID>.md) and an anchor,
// so every command that reads a report checks its IDs against this one pattern before it
// writes anything.
var IDPattern = regexp.MustCompile(`^[A-Z][0-9]{3}$`)

// ValidID reports whether id is a well-formed check ID.
func ValidID(id string) bool { return IDPattern.MatchString(id) }

// Validate refuses a report whose structure could make a writer leave its folder or
// produce output pgcheckup never would: malformed or repeated check IDs, unknown
// statuses. Free text (names, titles, conclusions) is not judged here: the renderers
// escape it.
func (r *Report) Validate() error {
	seen := map[string]bool{}
	for i, c := range r.Checks {
		// %q quotes and escapes, so a hostile ID cannot forge the error line either.
		if !ValidID(c.ID) {
			return fmt.Errorf("check %d: check id %q is not an upper-case letter and three digits (like H002)", i+1, c.ID)
		}
		if seen[c.ID] {
			return fmt.Errorf("check id %s appears more than once", c.ID)
		}
		seen[c.ID] = true
		for _, res := range c.Results {
			switch res.Status {
			case checks.StatusOK, checks.StatusFindings, checks.StatusSkipped, checks.StatusError:
			default:
				return fmt.Errorf("check %s: unknown status %q", c.ID, res.Status)
			}
		}
		for _, f := range c.Findings {
			if f.Count < 0 {
				return fmt.Errorf("check %s: finding %q has a negative count", c.ID, f.Code)
			}
		}
	}
	return nil
}

// inside joins dir and a relative file name, refusing a name that would leave dir. IDs are
// validated before this is reached; this is the second lock on the same door.
func inside(dir, name string) (string, error) {
	if !filepath.IsLocal(name) {
		return "", fmt.Errorf("output file %q would be outside %s", name, dir)
	}
	return filepath.Join(dir, name), nil
}
