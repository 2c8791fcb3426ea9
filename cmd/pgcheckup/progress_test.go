package main

import (
	"bytes"
	"io"
	"os"
	"testing"
)

// A cron run (stderr a file or pipe) and --quiet get no progress bar.
func TestNoProgressBarWithoutTerminal(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for _, out := range []io.Writer{w, &bytes.Buffer{}} {
		if _, ok := newProgress(out, 10, false).(noProgress); !ok {
			t.Errorf("progress bar on %T", out)
		}
	}
	if _, ok := newProgress(os.Stderr, 10, true).(noProgress); !ok {
		t.Error("progress bar despite --quiet")
	}
}
