package l003

import (
	"testing"

	"github.com/BurntSushi/toml"
)

// A configuration written for the old limit still loads: max_sequences is read and
// ignored, since every sequence is read now.
func TestOldMaxSequencesKeyStillLoads(t *testing.T) {
	c := New()
	md, err := toml.Decode("max_sequences = 1000\nbatch_size = 200\n", c.Config())
	if err != nil {
		t.Fatal(err)
	}
	if u := md.Undecoded(); len(u) > 0 {
		t.Fatalf("undecoded keys %v: a strict loader would refuse the file", u)
	}
	if c.cfg.BatchSize != 200 {
		t.Fatalf("batch_size %d, want 200", c.cfg.BatchSize)
	}
}
