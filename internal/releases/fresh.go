package releases

import (
	"fmt"
	"time"
)

// Freshness says how far a judgement against the table can be trusted on a given day.
type Freshness struct {
	AgeDays int // days from as_of to the clock
	// NewestRelease is the most recent release in the table, and NewestAgeDays its age.
	// PostgreSQL publishes minor releases every three months (February, May, August,
	// November), so a table whose newest release is older than the limit has most
	// likely missed one, whatever day it was last edited on.
	NewestRelease time.Time
	NewestAgeDays int
	Stale         bool // either age is above the limit
}

// Fresh judges the table's age on clock against a limit in days.
func (t *Table) Fresh(clock time.Time, maxAgeDays int) Freshness {
	f := Freshness{AgeDays: Days(t.AsOf.Time, clock), NewestRelease: t.NewestRelease()}
	f.NewestAgeDays = Days(f.NewestRelease, clock)
	f.Stale = f.AgeDays > maxAgeDays || f.NewestAgeDays > maxAgeDays
	return f
}

// Clock is the day a table's age is measured on: the server's clock (now() read by the
// check's own statement), or the run's start time if that is later or the server's is
// unknown (zero). The later of the two, so that a clock set back on either side cannot
// hide an old table; a clock ahead only adds a "may be stale" label, never a verdict.
func Clock(server, run time.Time) time.Time {
	if server.After(run) {
		return server
	}
	return run
}

// Days counts whole days from from to to, 0 if to is earlier.
func Days(from, to time.Time) int {
	if to.Before(from) {
		return 0
	}
	return int(to.Sub(from).Hours() / 24)
}

// StaleNote is the label a minor-release finding carries when the table is stale.
// ageDays and newestAgeDays are the Freshness ages as the check's data holds them.
func StaleNote(ageDays, newestAgeDays int, asOf string) string {
	return fmt.Sprintf(" **This may be stale**: pgcheckup's release table is from %s (%d days ago) and the newest release it knows came out %d days ago; newer releases may exist.",
		asOf, ageDays, newestAgeDays)
}

// Refresh says how to get a newer table.
const Refresh = " To refresh the release table, run with `--releases FILE` (a newer table in the same JSON format; " +
	"the README's \"The release table\" makes one from postgresql.org's version list in one line) or update pgcheckup."
