package report

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/template"

	"github.com/pgcheckup/pgcheckup/checks"
)

// Funcs are the functions every check template may use. Values reach templates decoded
// from the JSON report (numbers as json.Number), so each function accepts any.
//
//	esc v       v as literal Markdown text (safe in a table cell)
//	code v      v as an inline code span (safe in a table cell)
//	bytes v     a byte count as "1.5 MiB"
//	num v       thousands separators, two decimals for a fraction (checks.Num); "–" for null
//	pct v       a percentage with one decimal, "12.5%"
//	float v     a number with two decimals
//	dur v       seconds as "3d 4h", "5m 2s"
//	ms v        milliseconds, shown like dur
//	millis v    milliseconds as milliseconds, with thousands separators (checks.Millis)
//	inc i       i + 1 (for numbering rows)
//	yesno v     "yes" or "no"
//	default d v v unless it is empty/null, else d
//	join sep list   elements joined by sep, each escaped
var Funcs = template.FuncMap{
	"esc":     func(v any) string { return checks.Esc(str(v)) },
	"code":    func(v any) string { return checks.Code(str(v)) },
	"bytes":   func(v any) string { return checks.Bytes(int64(toFloat(v))) },
	"num":     num,
	"pct":     func(v any) string { return fmt.Sprintf("%.1f%%", toFloat(v)) },
	"float":   func(v any) string { return checks.Decimal(toFloat(v)) },
	"dur":     func(v any) string { return checks.Duration(toFloat(v)) },
	"ms":      func(v any) string { return checks.Duration(toFloat(v) / 1000) },
	"millis":  func(v any) string { return checks.Millis(toFloat(v)) },
	"inc":     func(i int) int { return i + 1 },
	"yesno":   yesno,
	"default": dflt,
	"join":    join,
}

func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	default:
		return fmt.Sprint(x)
	}
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return f
	case float64:
		return x
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case string:
		f, _ := strconv.ParseFloat(x, 64)
		return f
	}
	return 0
}

func num(v any) string {
	if v == nil {
		return "–"
	}
	return checks.Num(toFloat(v)) // the findings' sentences write numbers the same way
}

func yesno(v any) string {
	if b, ok := v.(bool); ok && b {
		return "yes"
	}
	return "no"
}

func dflt(d, v any) any {
	if v == nil || str(v) == "" {
		return d
	}
	return v
}

func join(sep string, v any) string {
	list, _ := v.([]any)
	parts := make([]string, len(list))
	for i, x := range list {
		parts[i] = checks.Esc(str(x))
	}
	return strings.Join(parts, sep)
}
