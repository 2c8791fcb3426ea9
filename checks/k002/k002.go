// Package k002 splits the workload of the window by statement type (SELECT, SELECT FOR
// UPDATE/SHARE, INSERT, UPDATE, DELETE, MERGE, COPY, DDL, other utility), typed from the
// parse tree of each statement's text: calls, time and their shares per type.
package k002

import (
	"cmp"
	"context"
	"slices"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/k001"
	"github.com/pgcheckup/pgcheckup/internal/workload"
)

// Check is K002.
type Check struct{}

// New returns K002.
func New() *Check { return &Check{} }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "K002", Title: "Workload by statement type", Scope: checks.Cluster, Doc: doc, Workload: true}
}

// Queries implements checks.Check: none, the pipeline's snapshots are K002's data.
func (c *Check) Queries() []checks.Query { return nil }

// Type is the workload of one statement type.
type Type struct {
	Type    checks.Label `json:"type"`
	Entries int          `json:"entries"` // pg_stat_statements entries of this type
	Calls   int64        `json:"calls"`
	TimeMS  float64      `json:"time_ms"` // execution + planning
	Rows    int64        `json:"rows"`
	MeanMS  float64      `json:"mean_ms"` // per call
	// per second of the window
	CallsPerSec  float64 `json:"calls_per_second"`
	MSPerSecond  float64 `json:"ms_per_second"`
	TimePercent  float64 `json:"time_percent"`
	CallsPercent float64 `json:"calls_percent"`
}

// Data is what K002 reports.
type Data struct {
	Window k001.Window `json:"window"`
	Types  []Type      `json:"types"` // by time, highest first; "unknown" last
	Calls  int64       `json:"calls"`
	TimeMS float64     `json:"time_ms"`
	// Of the "unknown" type: entries hidden from the role (other roles', no text), and
	// entries whose text was not read (beyond the statements a report lists) or not parsed.
	UnknownHidden int `json:"unknown_hidden"`
	UnknownNoText int `json:"unknown_no_text"`
}

// Run implements checks.Check.
func (c *Check) Run(_ context.Context, t *checks.Target) (*checks.Outcome, error) {
	v := k001.Usable(t.Workload)
	if v == nil {
		return &checks.Outcome{Skip: k001.Skip(t.Workload, t.Node.Database)}, nil
	}
	return &checks.Outcome{Data: build(v)}, nil
}

func build(v *workload.View) Data {
	d := Data{Window: k001.Facts(v)}
	var texts map[int64]workload.Text
	if v.Texts != nil {
		texts = v.Texts.ByID
	}
	by := map[checks.Label]*Type{}
	for _, e := range v.Window.Deltas {
		if k001.Own(v, e) {
			continue
		}
		typ := workload.TypeUnknown
		switch t, ok := texts[e.QueryID]; {
		case e.Hidden:
			d.UnknownHidden += max(e.HiddenEntries, 1)
		case !ok || t.Type == "" || t.Type == workload.TypeUnknown:
			d.UnknownNoText++
		default:
			typ = t.Type
		}
		x := by[typ]
		if x == nil {
			x = &Type{Type: typ}
			by[typ] = x
		}
		x.Entries++
		x.Calls += e.Calls
		x.TimeMS += e.TimeMS()
		x.Rows += e.Rows
		d.Calls += e.Calls
		d.TimeMS += e.TimeMS()
	}
	secs := d.Window.Seconds
	for _, x := range by {
		if x.Calls > 0 {
			x.MeanMS = x.TimeMS / float64(x.Calls)
		}
		if secs > 0 {
			x.CallsPerSec, x.MSPerSecond = float64(x.Calls)/secs, x.TimeMS/secs
		}
		if d.TimeMS > 0 {
			x.TimePercent = 100 * x.TimeMS / d.TimeMS
		}
		if d.Calls > 0 {
			x.CallsPercent = 100 * float64(x.Calls) / float64(d.Calls)
		}
		d.Types = append(d.Types, *x)
	}
	slices.SortFunc(d.Types, func(a, b Type) int {
		if (a.Type == workload.TypeUnknown) != (b.Type == workload.TypeUnknown) {
			if a.Type == workload.TypeUnknown {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(b.TimeMS, a.TimeMS); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Calls, a.Calls); c != 0 {
			return c
		}
		return cmp.Compare(a.Type, b.Type)
	})
	return d
}
