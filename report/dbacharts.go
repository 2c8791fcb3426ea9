package report

import (
	"encoding/json"
	"math"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/pgcheckup/pgcheckup/checks"
)

// Charts a DBA decides with: wraparound headroom, database sizes, bloat and connection
// states. Each is drawn only when the report has its data; all read the first node's
// result, as the tables chart does, except connections, which are per node.

func dbaCharts(r *Report) []chart {
	var out []chart
	for _, c := range []*chart{wraparoundChart(r), databaseSizesChart(r), bloatChart(r), connectionsChart(r)} {
		if c != nil {
			out = append(out, *c)
		}
	}
	return out
}

// firstResultData decodes the first result of check id that has data into v.
func firstResultData(r *Report, id string, v any) bool {
	for _, c := range r.Checks {
		if c.ID != id {
			continue
		}
		for _, res := range c.Results {
			if len(res.Data) > 0 && json.Unmarshal(res.Data, v) == nil {
				return true
			}
		}
	}
	return false
}

// hbar is a horizontal bar chart, the first category at the top.
// valueMax fixes the value axis's end (100 for a percentage); nil lets ECharts choose.
func hbar(id, title, unit string, valueMax any, names []string, series map[string][]float64, order []string, stack bool) *chart {
	if len(names) == 0 {
		return nil
	}
	rev := make([]string, len(names))
	for i, n := range names {
		rev[len(names)-1-i] = checks.Visible(n) // a bidi override would reorder the label
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(noAnimation(),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(len(order) > 1)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithGridOpts(opts.Grid{ContainLabel: opts.Bool(true), Left: "2%"}),
		charts.WithXAxisOpts(opts.XAxis{Name: unit, Max: valueMax}))
	bar.SetXAxis(rev)
	for _, s := range order {
		data := make([]opts.BarData, len(names))
		for i, v := range series[s] {
			data[len(names)-1-i] = opts.BarData{Value: v}
		}
		if stack {
			bar.AddSeries(s, data, charts.WithBarChartOpts(opts.BarChart{Stack: "total"}))
		} else {
			bar.AddSeries(s, data)
		}
	}
	bar.XYReversal()
	bar.Validate()
	return &chart{ID: id, Title: title, Height: 150 + 28*len(names)*max(1, len(order)/2), Option: bar.JSON()}
}

// wraparoundChart: how much of the 2^31 transaction and multixact ID space each database
// has used (F002); the rest is its headroom.
func wraparoundChart(r *Report) *chart {
	var d struct {
		Databases []struct {
			Name        string  `json:"name"`
			XIDPercent  float64 `json:"xid_percent"`
			MXIDPercent float64 `json:"mxid_percent"`
		} `json:"databases"`
	}
	if !firstResultData(r, "F002", &d) {
		return nil
	}
	var names []string
	s := map[string][]float64{}
	for _, db := range d.Databases {
		names = append(names, db.Name)
		s["transaction IDs"] = append(s["transaction IDs"], round1(db.XIDPercent))
		s["multixact IDs"] = append(s["multixact IDs"], round1(db.MXIDPercent))
	}
	return hbar("chart-wraparound", "Wraparound: share of the 2^31 IDs used, per database (F002, first node), %", "%", 100,
		names, s, []string{"transaction IDs", "multixact IDs"}, false)
}

// databaseSizesChart: the databases whose size A004 measured or estimated.
func databaseSizesChart(r *Report) *chart {
	var d struct {
		Databases []struct {
			Name      string `json:"name"`
			SizeBytes *int64 `json:"size_bytes"`
		} `json:"databases"`
	}
	if !firstResultData(r, "A004", &d) {
		return nil
	}
	var names []string
	s := map[string][]float64{}
	for _, db := range d.Databases {
		if db.SizeBytes != nil {
			names = append(names, db.Name)
			s["size"] = append(s["size"], mib(*db.SizeBytes))
		}
	}
	return hbar("chart-databases", "Database sizes (A004, first node), MiB", "MiB", nil, names, s, []string{"size"}, false)
}

// bloatChart: the tables F004 could estimate, their bloat beside the rest.
func bloatChart(r *Report) *chart {
	var d struct {
		Tables []struct {
			Schema     string `json:"schema"`
			Table      string `json:"table"`
			SizeBytes  int64  `json:"size_bytes"`
			BloatBytes *int64 `json:"bloat_bytes"`
		} `json:"tables"`
	}
	if !firstResultData(r, "F004", &d) {
		return nil
	}
	var names []string
	s := map[string][]float64{}
	for _, t := range d.Tables {
		if t.BloatBytes == nil || len(names) == 15 {
			continue
		}
		names = append(names, t.Schema+"."+t.Table)
		s["bloat"] = append(s["bloat"], mib(*t.BloatBytes))
		s["rest"] = append(s["rest"], mib(max(0, t.SizeBytes-*t.BloatBytes)))
	}
	return hbar("chart-bloat", "Table bloat estimate (F004, first node), MiB", "MiB", nil, names, s, []string{"bloat", "rest"}, true)
}

// connectionsChart: sessions by state on each node (G002).
func connectionsChart(r *Report) *chart {
	var nodes, states []string
	s := map[string][]float64{}
	for _, c := range r.Checks {
		if c.ID != "G002" {
			continue
		}
		for _, res := range c.Results {
			var d struct {
				ByState []struct {
					State    string `json:"state"`
					Sessions int64  `json:"sessions"`
				} `json:"by_state"`
			}
			if len(res.Data) == 0 || json.Unmarshal(res.Data, &d) != nil || len(d.ByState) == 0 {
				continue
			}
			i := len(nodes)
			nodes = append(nodes, res.Node)
			for _, st := range d.ByState {
				name := st.State
				if name == "" {
					name = "not visible"
				}
				if _, ok := s[name]; !ok {
					states = append(states, name)
				}
				for len(s[name]) <= i {
					s[name] = append(s[name], 0)
				}
				s[name][i] += float64(st.Sessions)
			}
		}
	}
	for _, st := range states {
		for len(s[st]) < len(nodes) {
			s[st] = append(s[st], 0)
		}
	}
	return hbar("chart-connections", "Sessions by state per node (G002)", "sessions", nil, nodes, s, states, true)
}

func mib(b int64) float64 { return float64(b*10/(1<<20)) / 10 }

func round1(f float64) float64 { return math.Round(f*10) / 10 }
