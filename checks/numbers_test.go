package checks

import "testing"

func TestNumAndMillis(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", -1234567: "-1,234,567", 1234.5: "1,234.50", 0.333: "0.33"} {
		if got := Num(v); got != want {
			t.Errorf("Num(%v) = %q, want %q", v, got, want)
		}
	}
	for v, want := range map[float64]string{200000: "200,000.00", 0.5: "0.50", -1234.567: "-1,234.57"} {
		if got := Decimal(v); got != want {
			t.Errorf("Decimal(%v) = %q, want %q", v, got, want)
		}
	}
	for v, want := range map[float64]string{0: "0 ms", 0.054: "0.05 ms", 33.333: "33.3 ms", 500: "500 ms", 1234567.4: "1,234,567 ms"} {
		if got := Millis(v); got != want {
			t.Errorf("Millis(%v) = %q, want %q", v, got, want)
		}
	}
}
