package e001

import (
	"strings"
	"testing"
)

// The statement runs on every server: 'lz4' is refused before 15 and without lz4 built in.
func TestCompressWALByVersion(t *testing.T) {
	if got := compressWAL(140000); !strings.Contains(got, "wal_compression = on;") || strings.Contains(got, "lz4") {
		t.Errorf("14: %s", got)
	}
	if got := compressWAL(180000); !strings.Contains(got, "wal_compression = on;") {
		t.Errorf("15: %s", got)
	}
}
