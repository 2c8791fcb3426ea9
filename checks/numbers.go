package checks

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// One way to write numbers, in tables (report.Funcs) and in the sentences of findings
// alike: thousands separated by commas, fractions to two places.

// Num writes v with thousands separators; a fraction keeps two decimals.
func Num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	if v != math.Trunc(v) {
		return Decimal(v)
	}
	return group(strconv.FormatFloat(v, 'f', 0, 64))
}

// Decimal writes v with two decimals and thousands separators ("200,000.00").
func Decimal(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	whole, frac, _ := strings.Cut(fmt.Sprintf("%.2f", v), ".")
	return group(whole) + "." + frac
}

// Millis writes a time in milliseconds, the unit of pg_stat_statements: "1,234,567 ms",
// "33.3 ms", "0.05 ms". Every statement time of a table or a sentence uses it, so that
// a reader compares figures without converting units.
func Millis(ms float64) string {
	a := math.Abs(ms)
	switch {
	case a >= 100 || a == 0:
		return group(strconv.FormatFloat(math.Round(ms), 'f', 0, 64)) + " ms"
	case a >= 10:
		return fmt.Sprintf("%.1f ms", ms)
	}
	return fmt.Sprintf("%.2f ms", ms)
}

// group puts commas between the thousands of a whole number written in digits.
func group(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
