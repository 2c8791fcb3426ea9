package checks

import "fmt"

// Duration formats seconds the way a DBA reads ages: the two largest units. It lives here,
// not in report, because checks write durations into their conclusions and checks must
// not import report; the templates' dur and ms functions use it too.
func Duration(sec float64) string {
	if sec < 0 {
		return "-" + Duration(-sec)
	}
	if sec < 1 {
		return fmt.Sprintf("%.0f ms", sec*1000)
	}
	s := int64(sec)
	d, h, m := s/86400, s%86400/3600, s%3600/60
	switch {
	case d > 0:
		return fmt.Sprintf("%dd %dh", d, h)
	case h > 0:
		return fmt.Sprintf("%dh %dm", h, m)
	case m > 0:
		return fmt.Sprintf("%dm %ds", m, s%60)
	}
	return fmt.Sprintf("%ds", s)
}
