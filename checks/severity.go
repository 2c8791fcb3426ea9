package checks

import "fmt"

// Severity orders findings: Info < P3 < P2 < P1. It is an ordered type, not a free
// string, so that "the worst finding" is a comparison and a typo cannot invent a level.
type Severity int

// Severities, from least to most urgent.
const (
	Info Severity = iota
	P3
	P2
	P1
)

var severityNames = [...]string{Info: "info", P3: "P3", P2: "P2", P1: "P1"}

func (s Severity) String() string {
	if s < Info || s > P1 {
		return fmt.Sprintf("Severity(%d)", int(s))
	}
	return severityNames[s]
}

// MarshalText writes the severity as "P1", "P2", "P3" or "info".
func (s Severity) MarshalText() ([]byte, error) {
	if s < Info || s > P1 {
		return nil, fmt.Errorf("invalid severity %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText reads what MarshalText writes.
func (s *Severity) UnmarshalText(b []byte) error {
	for i, n := range severityNames {
		if n == string(b) {
			*s = Severity(i)
			return nil
		}
	}
	return fmt.Errorf("unknown severity %q", b)
}

// Status is how a check ended on one node.
type Status string

// The four ways a check can end. A check never ends the run.
const (
	StatusOK       Status = "ok"       // ran, nothing to report
	StatusFindings Status = "findings" // ran, has findings
	StatusSkipped  Status = "skipped"  // did not run (version, privilege, extension...), with reason
	StatusError    Status = "error"    // failed; the reason says why
)
