package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"slices"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/pgcheckup/pgcheckup/checks"
)

// echartsJS is Apache ECharts, inlined so the charts need no network (see assets/).
//
//go:embed assets/echarts.min.js
var echartsJS string

// chart is one chart of the HTML report. go-echarts builds the option; the page template
// writes it into a script as a JavaScript value, which html/template escapes, so an
// object name like "</script>" stays a string. (go-echarts' own templates do not escape.)
type chart struct {
	ID     string
	Title  string
	Height int
	Option map[string]any
}

// chartsFor builds the charts from the report's JSON alone.
func chartsFor(r *Report) []chart {
	var out []chart
	if c := findingsChart(r); c != nil {
		out = append(out, *c)
	}
	if c := tablesChart(r); c != nil {
		out = append(out, *c)
	}
	for _, c := range []*chart{statementsChart(r), waitsChart(r)} {
		if c != nil {
			out = append(out, *c)
		}
	}
	if c := topologyChart(r); c != nil { // topology.go
		out = append(out, *c)
	}
	out = append(out, dbaCharts(r)...) // dbacharts.go
	return out
}

func noAnimation() charts.GlobalOpts {
	return charts.WithAnimation(false) // prints and screenshots catch the final frame
}

// findingsChart stacks findings by severity for each check that has any.
func findingsChart(r *Report) *chart {
	var ids []string
	count := map[string]map[checks.Severity]int{}
	for _, c := range r.Checks {
		for _, f := range c.Merged() { // as the summary counts: once across nodes, by weight
			if count[c.ID] == nil {
				count[c.ID] = map[checks.Severity]int{}
				ids = append(ids, c.ID)
			}
			count[c.ID][f.Severity] += f.Weight()
		}
	}
	if len(ids) == 0 {
		return nil
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(noAnimation(),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithColorsOpts(opts.Colors{"#cf222e", "#bc4c00", "#9a6700", "#8c959f"}),
		charts.WithXAxisOpts(opts.XAxis{AxisLabel: &opts.AxisLabel{Interval: "0", Rotate: 45}}))
	bar.SetXAxis(ids)
	for _, s := range []checks.Severity{checks.P1, checks.P2, checks.P3, checks.Info} {
		data := make([]opts.BarData, len(ids))
		for i, id := range ids {
			data[i] = opts.BarData{Value: count[id][s]}
		}
		bar.AddSeries(s.String(), data, charts.WithBarChartOpts(opts.BarChart{Stack: "findings"}))
	}
	bar.Validate()
	return &chart{ID: "chart-findings", Title: "Findings by check and severity", Height: 320, Option: bar.JSON()}
}

// tablesChart shows the largest tables of the first node's L001 data, split into heap,
// indexes and TOAST.
func tablesChart(r *Report) *chart {
	var data struct {
		Tables []struct {
			Schema     string `json:"schema"`
			Name       string `json:"name"`
			HeapBytes  *int64 `json:"heap_bytes"`
			IndexBytes *int64 `json:"index_bytes"`
			ToastBytes *int64 `json:"toast_bytes"`
		} `json:"tables"`
	}
	for _, c := range r.Checks {
		if c.ID != "L001" || len(c.Results) == 0 || len(c.Results[0].Data) == 0 {
			continue
		}
		if err := json.Unmarshal(c.Results[0].Data, &data); err != nil {
			return nil
		}
	}
	tables := data.Tables
	if len(tables) > 15 {
		tables = tables[:15]
	}
	if len(tables) == 0 {
		return nil
	}
	mib := func(p *int64) opts.BarData {
		if p == nil {
			return opts.BarData{Value: 0}
		}
		return opts.BarData{Value: float64(*p*10/(1<<20)) / 10}
	}
	names := make([]string, len(tables))
	heap, idx, toast := make([]opts.BarData, len(tables)), make([]opts.BarData, len(tables)), make([]opts.BarData, len(tables))
	// Largest at the top of a horizontal bar chart: categories run bottom-up.
	tables = slices.Clone(tables)
	slices.Reverse(tables)
	for i, t := range tables {
		names[i] = checks.Visible(t.Schema + "." + t.Name) // a bidi override would reorder the axis label
		heap[i], idx[i], toast[i] = mib(t.HeapBytes), mib(t.IndexBytes), mib(t.ToastBytes)
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(noAnimation(),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithGridOpts(opts.Grid{ContainLabel: opts.Bool(true), Left: "2%"}),
		charts.WithXAxisOpts(opts.XAxis{Name: "MiB"}))
	bar.SetXAxis(names)
	stack := charts.WithBarChartOpts(opts.BarChart{Stack: "size"})
	bar.AddSeries("heap", heap, stack).AddSeries("indexes", idx, stack).AddSeries("TOAST", toast, stack)
	bar.XYReversal()
	bar.Validate()
	return &chart{ID: "chart-tables", Title: "Largest tables (L001, first node), MiB", Height: 120 + 24*len(tables), Option: bar.JSON()}
}

// chartScripts renders the charts' containers and scripts.
func chartScripts(cs []chart) (template.HTML, error) {
	if len(cs) == 0 {
		return "", nil
	}
	var b bytes.Buffer
	if err := chartTemplate.Execute(&b, map[string]any{"Lib": template.JS(echartsJS), "Charts": cs}); err != nil {
		return "", fmt.Errorf("render charts: %w", err)
	}
	return template.HTML(b.String()), nil
}

var chartTemplate = template.Must(template.New("charts").Parse(`<section class="charts">
{{range .Charts}}<figure><figcaption>{{.Title}}</figcaption><div id="{{.ID}}" style="height:{{.Height}}px"></div></figure>
{{end}}<script>{{.Lib}}</script>
<script>
{{range .Charts}}echarts.init(document.getElementById({{.ID}}), null, {renderer: "svg"}).setOption({{.Option}});
{{end}}</script>
</section>`))
