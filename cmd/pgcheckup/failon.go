package main

import (
	"log/slog"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/report"
)

// failOnSeverity reads --fail-on: "" (off), P1, P2 or P3. Info is refused: a gate that
// fails on every informational line would fail every run.
func failOnSeverity(s string) (checks.Severity, error) {
	var sev checks.Severity
	if s == "" {
		return sev, nil
	}
	if err := sev.UnmarshalText([]byte(strings.ToUpper(s))); err != nil || sev == checks.Info {
		return sev, cfgErr("fail-on %q: want P1, P2 or P3", s)
	}
	return sev, nil
}

// gate turns a written report's exit code into exitFailOn when findings at or above the
// --fail-on severity exist. It only replaces exitOK: an error, an unreachable node or an
// interruption keeps its own code, so the gate never hides a failure of the run itself.
// It counts what the summary counts: every object, listed or not.
func gate(code int, rep *report.Report, failOn string, log *slog.Logger) int {
	if failOn == "" || code != exitOK {
		return code
	}
	sev, err := failOnSeverity(failOn)
	if err != nil { // validated with the configuration; unreachable
		return code
	}
	if n := rep.CountAtLeast(sev); n > 0 {
		log.Warn("findings at or above --fail-on", "severity", sev.String(), "count", n)
		return exitFailOn
	}
	return code
}
