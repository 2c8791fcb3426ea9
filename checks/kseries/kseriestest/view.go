// Package kseriestest builds workload views by hand for the K-series checks' tests: two
// snapshots of a node and the delta between them (workload.Delta), with texts and names.
package kseriestest

import (
	"strconv"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/privacy"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// T0 is the time of the first snapshot.
var T0 = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

// Stmt is one statement of a hand-made workload: its counters before and after the
// window (Before zero: it appeared in the window), its text ("" for none fetched).
type Stmt struct {
	ID       int64
	User, DB uint32
	Hidden   bool
	Text     string
	Before   workload.Counters
	After    workload.Counters
}

// Options change the view built.
type Options struct {
	Seconds  float64 // the window's length; 600 when zero
	Source   string  // workload.SourceWindow when empty
	Features *workload.Features
	Dealloc  *int64 // dealloc counted in the window (sets Info)
	Own      []int64
}

// View returns the view of the workload stmts describe.
func View(t testing.TB, opt Options, stmts ...Stmt) *workload.View {
	t.Helper()
	if opt.Seconds == 0 {
		opt.Seconds = 600
	}
	if opt.Source == "" {
		opt.Source = workload.SourceWindow
	}
	f := workload.Features{Plan: true, WAL: true, TopLevel: true}
	if opt.Features != nil {
		f = *opt.Features
	}
	end := T0.Add(time.Duration(opt.Seconds * float64(time.Second)))
	prev := &workload.Snapshot{Format: workload.FormatVersion, Taken: T0, PostmasterStart: T0.Add(-time.Hour),
		ServerVersion: 150004, ExtVersion: "1.10", Features: f}
	cur := *prev
	cur.Taken = end
	if opt.Dealloc != nil {
		var zero int64
		d := *opt.Dealloc
		prev.Dealloc, cur.Dealloc = &zero, &d
	}
	texts := &workload.Texts{ByID: map[int64]workload.Text{}, Own: map[int64]bool{}}
	for _, id := range opt.Own {
		texts.Own[id] = true
	}
	users := map[uint32]checks.Name{}
	dbs := map[uint32]checks.Name{}
	for _, s := range stmts {
		k := workload.Key{QueryID: s.ID, UserID: s.User, DBID: s.DB, TopLevel: true, Hidden: s.Hidden}
		if !s.Before.IsZero() {
			prev.Entries = append(prev.Entries, workload.Entry{Key: k, Counters: s.Before})
		}
		cur.Entries = append(cur.Entries, workload.Entry{Key: k, Counters: s.After})
		if s.Text != "" {
			texts.ByID[s.ID] = workload.Describe(privacy.NormalizeQuery(s.Text)) // as the report's privacy pass shows it
		}
		users[s.User] = checks.Name("u" + strconv.FormatUint(uint64(s.User), 10))
		dbs[s.DB] = checks.Name("db" + strconv.FormatUint(uint64(s.DB), 10))
	}
	w, err := workload.Delta(prev, &cur)
	if err != nil {
		t.Fatal(err)
	}
	return &workload.View{Source: opt.Source, Window: w, Texts: texts, Users: users, Databases: dbs,
		Requested: time.Duration(opt.Seconds * float64(time.Second))}
}
