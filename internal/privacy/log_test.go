package privacy

import (
	"bytes"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"testing"
)

// TestLogHandlerMasks: a mask over a host name hides it in every part of a log line,
// messages, strings, errors and groups, but not in pgcheckup's own attributes.
func TestLogHandlerMasks(t *testing.T) {
	s, err := New(Policy{Mask: []MaskRule{{Pattern: regexp.MustCompile(`db1\.acme\.internal`), Replacement: "host-x"}}})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	log := slog.New(LogHandler(slog.NewTextHandler(&b, nil), s, "dir"))
	log.With("node", "db1.acme.internal:5432").Info("connected to db1.acme.internal",
		"error", errors.New("dial db1.acme.internal: refused password=S3cret"),
		slog.Group("g", "host", "db1.acme.internal"), "dir", "/out/db1.acme.internal")
	got := b.String()
	if strings.Count(got, "db1.acme.internal") != 1 || !strings.Contains(got, "dir=/out/db1.acme.internal") {
		t.Errorf("masked log line: %s", got)
	}
	if strings.Contains(got, "S3cret") || strings.Count(got, "host-x") != 4 {
		t.Errorf("log line: %s", got)
	}
}
