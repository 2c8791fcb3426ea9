// Package reporttest builds a hostile report.json from a real one and checks that the
// Markdown and HTML pgcheckup renders from it stay intact and inert. A report.json may
// come from anyone, so `pgcheckup render` must treat every string in it as an attack.
package reporttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Payload is appended to every plain string of the report: table breakers, code span
// breakers, HTML, a javascript: link, an entity, bidi overrides and isolates, zero-width
// characters and a byte order mark.
const Payload = " p|i\\|pe\\\\|x\nnl\r# cr`tick``s <script>alert(1)</script><img src=x onerror=alert(1)>" +
	"[x](javascript:alert(1)) &#x202E; \u202Egnp.exe\u202C \u2066iso\u2069 z\u200Bw\u200C\u200D\u2060\uFEFF \u00AD\u2028"

// MarkdownPayload is appended to conclusions and recommendations, which are Markdown by
// design: every way Markdown has to become HTML, a link or a new block.
const MarkdownPayload = Payload + "\n\n| a | b |\n|---|---|\n| c | d |\r\n# heading\r- item\n" +
	"<javascript:alert(1)> [x](JaVaScRiPt:alert(1)) [v](vbscript:msgbox(1)) [d](data:text/html;base64,PHNjcmlwdD4=) " +
	"![i](javascript:alert(1)) [s]( javascript:alert(1) ) [e](&#106;avascript:alert(1)) [t](java\tscript:alert(1))\n" +
	"[r]: javascript:alert(1)\n[y][r] <a href=\"javascript:alert(1)\">a</a> <div onclick=alert(1)>d</div>\n" +
	"<!-- c --> <svg/onload=alert(1)> &lt;script&gt; &#8238; ~~~\n```\nunclosed <script>alert(1)</script>"

// Hostile returns the report demo (a report.json pgcheckup wrote) with Payload appended to
// every string, MarkdownPayload to every conclusion and recommendation, numbers in check
// data (other than byte counts, which the charts need) replaced by Payload, lists in check
// data cut to three rows, and one more
// check, Z999, which has no template, so its data is shown as JSON.
func Hostile(demo []byte) ([]byte, error) {
	var r map[string]any
	if err := json.Unmarshal(demo, &r); err != nil {
		return nil, fmt.Errorf("hostile: %w", err)
	}
	for k, v := range r {
		r[k] = poison(k, v, false)
	}
	cs, _ := r["checks"].([]any)
	nodes, _ := r["nodes"].([]any)
	if len(nodes) == 0 {
		return nil, fmt.Errorf("hostile: the report has no nodes")
	}
	node, _ := nodes[0].(map[string]any)["name"].(string)
	r["checks"] = append(cs, map[string]any{
		"id": "Z999", "title": "No template" + Payload, "scope": "cluster",
		"results": []any{map[string]any{"node": node, "status": "findings", "duration_ms": 1,
			"data": map[string]any{"k" + Payload: "````\n```" + Payload, "n": 1}}},
		"findings": []any{map[string]any{"code": "Z999/x" + Payload, "severity": "P1",
			"conclusion": "c" + MarkdownPayload, "recommendation": "r" + MarkdownPayload, "node": node}},
	})
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false) // readable, as pgcheckup writes it
	if err := enc.Encode(r); err != nil {
		return nil, fmt.Errorf("hostile: %w", err)
	}
	return b.Bytes(), nil
}

// kept are the fields whose values are checked on reading (or parsed as times); a report
// with hostile values there is refused, which other tests cover.
var kept = map[string]bool{"id": true, "status": true, "severity": true, "schema_version": true,
	"started_at": true, "finished_at": true}

func poison(key string, v any, inData bool) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = poison(k, e, inData || key == "data")
		}
		return x
	case []any:
		if inData && len(x) > 3 {
			x = x[:3] // every kind of row, at a size a repository can hold
		}
		for i, e := range x {
			x[i] = poison(key, e, inData)
		}
		return x
	case string:
		switch {
		case kept[key]:
			return x
		case key == "conclusion" || key == "recommendation":
			return x + MarkdownPayload
		}
		return x + Payload
	case float64:
		if inData && !strings.HasSuffix(key, "_bytes") {
			return Payload
		}
	}
	return v
}
