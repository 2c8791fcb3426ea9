package workload

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write writes s as JSON: counters and queryids, no text.
func (s *Snapshot) Write(w io.Writer) error {
	if err := json.NewEncoder(w).Encode(s); err != nil {
		return fmt.Errorf("write workload snapshot: %w", err)
	}
	return nil
}

// Read reads a snapshot Write wrote.
func Read(r io.Reader) (*Snapshot, error) {
	var s Snapshot
	dec := json.NewDecoder(r)
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("read workload snapshot: %w", err)
	}
	if s.Format != FormatVersion {
		return nil, fmt.Errorf("read workload snapshot: format %d, want %d", s.Format, FormatVersion)
	}
	return &s, nil
}

// Save writes s to path (0600) through a temporary file in the same folder, synced and
// renamed into place, so a reader never sees half a snapshot.
func (s *Snapshot) Save(path string) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".workload-*.json")
	if err != nil {
		return fmt.Errorf("save workload snapshot: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("save workload snapshot: %w", err)
	}
	if err := s.Write(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("save workload snapshot: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("save workload snapshot: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("save workload snapshot: %w", err)
	}
	return nil
}

// Load reads the snapshot Save wrote to path.
func Load(path string) (*Snapshot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load workload snapshot: %w", err)
	}
	defer f.Close()
	return Read(f)
}
