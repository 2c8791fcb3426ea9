package checks

import "testing"

func TestUnlisted(t *testing.T) {
	if f := Unlisted("H003/x", P3, 0, 50, "things", "all"); f != nil {
		t.Fatalf("nothing unlisted must give no finding, got %+v", f)
	}
	f := Unlisted("H003/x", P3, 24423, 24473, "foreign keys without a supporting index", "the 50 on the largest tables")
	want := "24,473 foreign keys without a supporting index in all; the 50 on the largest tables are listed, 24,423 more are not."
	if f.Conclusion != want || f.Weight() != 24423 {
		t.Fatalf("got %q weight %d", f.Conclusion, f.Weight())
	}
	if (Finding{}).Weight() != 1 {
		t.Fatal("a finding without a count stands for one object")
	}
	if Thousands(-1234567) != "-1,234,567" || Thousands(999) != "999" {
		t.Fatalf("Thousands: %s %s", Thousands(-1234567), Thousands(999))
	}
}
