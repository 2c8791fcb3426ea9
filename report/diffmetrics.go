package report

import (
	"encoding/json"

	"github.com/pgcheckup/pgcheckup/checks"
)

// The figures `diff` follows from run to run, read from the checks' data in the report
// (never from the database). Each check lists its top N, so only objects listed in both
// reports are compared.
const (
	MetricDatabaseSize = "database size" // A004
	MetricTableSize    = "table size"    // L001, with indexes and TOAST
	MetricIndexSize    = "index size"    // F005 (btree indexes)
	MetricTableBloat   = "table bloat"   // F004, measured where it was
	MetricIndexBloat   = "index bloat"   // F005, measured where it was
	MetricDeadTuples   = "dead tuples"   // F003
	MetricXIDAge       = "xid age"       // F002, per database
	MetricMXIDAge      = "multixact age" // F002, per database
	MetricSequenceUsed = "sequence used" // L003, percent of the column's capacity
)

// kinds gives each metric its unit and its place in a listing.
var kinds = map[string]struct {
	unit  string
	order int
}{
	MetricDatabaseSize: {"bytes", 1}, MetricTableSize: {"bytes", 2}, MetricIndexSize: {"bytes", 3},
	MetricTableBloat: {"bytes", 4}, MetricIndexBloat: {"bytes", 5}, MetricDeadTuples: {"rows", 6},
	MetricXIDAge: {"transactions", 7}, MetricMXIDAge: {"multixacts", 8}, MetricSequenceUsed: {"percent", 9},
}

// MetricChange is one figure of one object in both reports.
type MetricChange struct {
	Metric   string      `json:"metric"`
	Unit     string      `json:"unit"`
	Database string      `json:"database,omitempty"` // for objects inside a database
	Object   checks.Name `json:"object"`
	Old      float64     `json:"old"`
	New      float64     `json:"new"`
	Delta    float64     `json:"delta"`
	// PerDay is Delta over the days between the runs; absent when they are less than an
	// hour apart.
	PerDay *float64 `json:"per_day,omitempty"`
	// DaysLeft: for a sequence, the days until the column is full at this rate.
	DaysLeft *float64 `json:"days_left,omitempty"`
}

type metricKey struct{ kind, db, obj string }

// metrics reads the followed figures from a report. A figure is taken from the first
// node that has it, primaries first: a physical standby holds the same files, and its
// own counters (dead tuples) are not the ones vacuum acts on.
func metrics(r *Report) map[metricKey]float64 {
	out := map[metricKey]float64{}
	put := func(kind, db, obj string, v float64) {
		k := metricKey{kind, db, obj}
		if _, ok := out[k]; !ok {
			out[k] = v
		}
	}
	primary := map[string]bool{}
	for _, n := range r.Nodes {
		primary[n.Name] = n.Role == "primary" || (n.Role == "" && !n.InRecovery)
	}
	for _, firstPass := range []bool{true, false} {
		for _, c := range r.Checks {
			read := readers[c.ID]
			if read == nil {
				continue
			}
			for _, res := range c.Results {
				if primary[res.Node] != firstPass || len(res.Data) == 0 {
					continue
				}
				read(res.Data, func(kind, obj string, v float64) { put(kind, res.Database, obj, v) },
					func(kind, obj string, v float64) { put(kind, "", obj, v) })
			}
		}
	}
	return out
}

// readers decode the part of a check's data that holds the followed figures. inDB puts a
// figure of an object inside the result's database; cluster one of the cluster (a
// database itself). Data that does not decode gives nothing: the report may be old or
// from elsewhere.
var readers = map[string]func(data json.RawMessage, inDB, cluster func(kind, obj string, v float64)){
	"A004": func(data json.RawMessage, _, cluster func(string, string, float64)) {
		var d struct {
			Databases []struct {
				Name      string `json:"name"`
				SizeBytes *int64 `json:"size_bytes"`
			} `json:"databases"`
		}
		if json.Unmarshal(data, &d) == nil {
			for _, x := range d.Databases {
				if x.SizeBytes != nil {
					cluster(MetricDatabaseSize, x.Name, float64(*x.SizeBytes))
				}
			}
		}
	},
	"L001": func(data json.RawMessage, inDB, _ func(string, string, float64)) {
		var d struct {
			Tables []struct {
				Schema, Name string
				TotalBytes   *int64 `json:"total_bytes"`
			} `json:"tables"`
		}
		if json.Unmarshal(data, &d) == nil {
			for _, t := range d.Tables {
				if t.TotalBytes != nil {
					inDB(MetricTableSize, t.Schema+"."+t.Name, float64(*t.TotalBytes))
				}
			}
		}
	},
	"F004": func(data json.RawMessage, inDB, _ func(string, string, float64)) {
		var d struct {
			Tables []struct {
				Schema, Table string
				BloatBytes    *int64 `json:"bloat_bytes"`
				Measured      *struct {
					BloatBytes int64 `json:"bloat_bytes"`
				} `json:"measured"`
			} `json:"tables"`
		}
		if json.Unmarshal(data, &d) == nil {
			for _, t := range d.Tables {
				if v, ok := bloat(t.BloatBytes, t.Measured != nil, func() int64 { return t.Measured.BloatBytes }); ok {
					inDB(MetricTableBloat, t.Schema+"."+t.Table, v)
				}
			}
		}
	},
	"F005": func(data json.RawMessage, inDB, _ func(string, string, float64)) {
		var d struct {
			Indexes []struct {
				Schema, Index string
				SizeBytes     int64  `json:"size_bytes"`
				BloatBytes    *int64 `json:"bloat_bytes"`
				Measured      *struct {
					BloatBytes int64 `json:"bloat_bytes"`
				} `json:"measured"`
			} `json:"indexes"`
		}
		if json.Unmarshal(data, &d) == nil {
			for _, x := range d.Indexes {
				name := x.Schema + "." + x.Index
				inDB(MetricIndexSize, name, float64(x.SizeBytes))
				if v, ok := bloat(x.BloatBytes, x.Measured != nil, func() int64 { return x.Measured.BloatBytes }); ok {
					inDB(MetricIndexBloat, name, v)
				}
			}
		}
	},
	"F003": func(data json.RawMessage, inDB, _ func(string, string, float64)) {
		var d struct {
			Tables []struct {
				Schema, Name string
				DeadTuples   float64 `json:"dead_tuples"`
			} `json:"tables"`
		}
		if json.Unmarshal(data, &d) == nil {
			for _, t := range d.Tables {
				inDB(MetricDeadTuples, t.Schema+"."+t.Name, t.DeadTuples)
			}
		}
	},
	"F002": func(data json.RawMessage, _, cluster func(string, string, float64)) {
		var d struct {
			Databases []struct {
				Name    string `json:"name"`
				XIDAge  int64  `json:"xid_age"`
				MXIDAge int64  `json:"mxid_age"`
			} `json:"databases"`
		}
		if json.Unmarshal(data, &d) == nil {
			for _, x := range d.Databases {
				cluster(MetricXIDAge, x.Name, float64(x.XIDAge))
				cluster(MetricMXIDAge, x.Name, float64(x.MXIDAge))
			}
		}
	},
	"L003": func(data json.RawMessage, inDB, _ func(string, string, float64)) {
		var d struct {
			Columns []struct {
				Schema, Table, Column string
				UsedPct               *float64 `json:"used_pct"`
			} `json:"columns"`
		}
		if json.Unmarshal(data, &d) == nil {
			for _, c := range d.Columns {
				if c.UsedPct != nil {
					inDB(MetricSequenceUsed, c.Schema+"."+c.Table+"."+c.Column, *c.UsedPct)
				}
			}
		}
	},
}

// bloat is the measured bloat where the table or index was measured, else the estimate.
func bloat(est *int64, measured bool, m func() int64) (float64, bool) {
	if measured {
		return float64(m()), true
	}
	if est != nil {
		return float64(*est), true
	}
	return 0, false
}
