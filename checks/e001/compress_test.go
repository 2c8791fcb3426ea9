package e001

import (
	"strings"
	"testing"
)

// Before PostgreSQL 15 wal_compression is a boolean: advice to set 'lz4' would be refused.
func TestCompressWALByVersion(t *testing.T) {
	if got := compressWAL(140000); !strings.Contains(got, "wal_compression = on;") || strings.Contains(got, "lz4") {
		t.Errorf("14: %s", got)
	}
	if got := compressWAL(150000); !strings.Contains(got, "wal_compression = 'lz4';") {
		t.Errorf("15: %s", got)
	}
}
