package report

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/pgcheckup/pgcheckup/checks"
)

// firstData is the data of check id on the first node that has any.
func firstData(r *Report, id string) (json.RawMessage, string) {
	for _, c := range r.Checks {
		if c.ID != id {
			continue
		}
		for _, res := range c.Results {
			if len(res.Data) > 0 && res.Status != checks.StatusSkipped {
				return res.Data, res.Node
			}
		}
	}
	return nil, ""
}

// horizontalBar is a bar chart with the first category at the top.
func horizontalBar(names []string, values []float64, series, unit string) *charts.Bar {
	names, values = slices.Clone(names), slices.Clone(values)
	slices.Reverse(names)
	slices.Reverse(values)
	data := make([]opts.BarData, len(values))
	for i, v := range values {
		data[i] = opts.BarData{Value: float64(int(v*10+0.5)) / 10}
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(noAnimation(),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithGridOpts(opts.Grid{ContainLabel: opts.Bool(true), Left: "2%"}),
		charts.WithXAxisOpts(opts.XAxis{Name: unit}))
	bar.SetXAxis(names)
	bar.AddSeries(series, data)
	bar.XYReversal()
	bar.Validate()
	return bar
}

// statementsChart shows K003's shares of the window's statement time: the listed
// statement groups by rank, and the others, on the first node that has them. The texts
// stay in the table: a label is the rank and the statement type.
func statementsChart(r *Report) *chart {
	raw, node := firstData(r, "K003")
	var d struct {
		Top []struct {
			Type         string  `json:"type"`
			SharePercent float64 `json:"share_percent"`
		} `json:"top"`
		Others struct {
			Groups       int     `json:"groups"`
			SharePercent float64 `json:"share_percent"`
		} `json:"others"`
	}
	if raw == nil || json.Unmarshal(raw, &d) != nil || len(d.Top) == 0 {
		return nil
	}
	top := d.Top
	if len(top) > 10 {
		top = top[:10]
	}
	var names []string
	var values []float64
	rest := d.Others.SharePercent
	for i, s := range d.Top {
		if i >= len(top) {
			rest += s.SharePercent
			continue
		}
		names = append(names, checks.Visible(fmt.Sprintf("#%d %s", i+1, s.Type)))
		values = append(values, s.SharePercent)
	}
	if rest > 0 {
		names, values = append(names, "all others"), append(values, rest)
	}
	bar := horizontalBar(names, values, "share of statement time", "%")
	return &chart{ID: "chart-statements", Title: "Top statements by share of the window's time (K003, " + checks.Visible(node) + ")",
		Height: 120 + 24*len(names), Option: bar.JSON()}
}

// waitsChart shows N001's wait-event profile on the first node that sampled one.
func waitsChart(r *Report) *chart {
	raw, node := firstData(r, "N001")
	var d struct {
		Events []struct {
			Type    string  `json:"type"`
			Event   string  `json:"event"`
			Percent float64 `json:"percent"`
		} `json:"events"`
	}
	if raw == nil || json.Unmarshal(raw, &d) != nil || len(d.Events) == 0 {
		return nil
	}
	ev := d.Events
	if len(ev) > 15 {
		ev = ev[:15]
	}
	names, values := make([]string, len(ev)), make([]float64, len(ev))
	for i, e := range ev {
		names[i], values[i] = checks.Visible(e.Type+": "+e.Event), e.Percent
	}
	bar := horizontalBar(names, values, "share of session samples", "%")
	return &chart{ID: "chart-waits", Title: "Wait events during the window (N001, " + checks.Visible(node) + ")",
		Height: 120 + 24*len(names), Option: bar.JSON()}
}
