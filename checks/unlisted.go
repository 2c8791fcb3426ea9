package checks

import (
	"fmt"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Unlisted returns the finding that stands for what a check found but did not list, so
// that the report counts every object and says where the listing stops: n objects of
// severity sev beyond the listed ones. what names them in the plural ("foreign keys
// without a supporting index"); listed says which ones were listed ("the 50 on the
// largest tables"). It returns nil when n is zero.
func Unlisted(code string, sev Severity, n int, total int, what, listed string) *Finding {
	if n <= 0 {
		return nil
	}
	return &Finding{Code: code, Severity: sev, Count: n,
		Conclusion: fmt.Sprintf("%s %s in all; %s are listed, %s more are not.",
			Thousands(int64(total)), what, listed, Thousands(int64(n))),
		Recommendation: "Raise the check's `top_n` to list more, or fix the listed ones first: they are the largest."}
}

// Thousands formats n with the digits grouped: 24473 → "24,473".
func Thousands(n int64) string { return english.Sprintf("%d", n) }

var english = message.NewPrinter(language.English)
