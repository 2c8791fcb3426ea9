package main

import (
	"bytes"
	"html/template"
)

// indexPage renders index.html: one self-contained page (no script, nothing fetched; the
// report's styles), linking each cluster's report.
func indexPage(idx *fleetIndex) ([]byte, error) {
	var b bytes.Buffer
	if err := indexTmpl.Execute(&b, idx); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

var indexTmpl = template.Must(template.New("index").Funcs(template.FuncMap{
	"sev":     func(e indexEntry) []string { p1, p2, p3 := counts(e); return []string{p1, p2, p3} },
	"changes": changesText,
	"rfc3339": func(idx *fleetIndex) string { return idx.StartedAt.Format("2006-01-02 15:04:05 MST") },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>pgcheckup fleet: {{.Project}}</title>
<style>
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; margin: 0; padding: 1rem 2rem 4rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.n { text-align: right; }
tr:nth-child(2n) td { background: #fbfcfd; }
a { color: #0969da; }
.P1 { color: #cf222e; } .P2 { color: #bc4c00; } .P3 { color: #9a6700; }
.ok { color: #1a7f37; } .findings { color: #9a6700; } .unreachable, .errors, .config_error, .interrupted { color: #cf222e; font-weight: 600; }
</style>
</head>
<body>
<h1>Fleet {{.Project}}</h1>
<p>Started {{rfc3339 .}}, took {{printf "%.1f" .DurationSeconds}} s; {{len .Clusters}} clusters, at most {{.ParallelClusters}} at once; exit code {{.ExitCode}}.</p>
<table>
<tr><th>Cluster</th><th>Status</th><th class="P1">P1</th><th class="P2">P2</th><th class="P3">P3</th><th>Check errors</th><th>Nodes</th><th>Time (s)</th><th>Changes</th><th>Report</th></tr>
{{range .Clusters}}{{$s := sev .}}<tr>
<td>{{.Name}}</td>
<td><span class="{{.Status}}">{{.Status}}</span>{{with .Error}}<br><small>{{.}}</small>{{end}}</td>
<td class="n">{{index $s 0}}</td><td class="n">{{index $s 1}}</td><td class="n">{{index $s 2}}</td>
<td class="n">{{.CheckErrors}}</td>
<td class="n">{{.NodesReachable}}/{{.Nodes}}</td>
<td class="n">{{printf "%.1f" .DurationSeconds}}</td>
<td>{{changes .Changes}}</td>
<td>{{if .Page}}<a href="{{.Page}}">{{.Report}}</a>{{else if .Report}}{{.Report}}{{else}}—{{end}}</td>
</tr>
{{end}}</table>
</body>
</html>
`))
