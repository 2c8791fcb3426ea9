package upload

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// StateFile is the record of uploads kept in the report folder, so that an upload
// that stopped part way resumes into the same platform report.
const StateFile = "upload.json"

// State is upload.json: one entry per platform (API URL) and project.
type State struct {
	Uploads []Target `json:"uploads"`
}

// Target is what went to one platform report.
type Target struct {
	APIURL   string          `json:"api_url"`
	Project  string          `json:"project"`
	ReportID int64           `json:"report_id"`
	Created  time.Time       `json:"created"`
	Files    map[string]Sent `json:"files"` // by path in the report folder
}

// Sent is one delivered file.
type Sent struct {
	SHA256  string    `json:"sha256"`
	ChunkID int64     `json:"chunk_id"`
	At      time.Time `json:"at"`
}

func readState(dir string) (*State, error) {
	b, err := os.ReadFile(filepath.Join(dir, StateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return &State{}, nil
	}
	if err != nil {
		return nil, err
	}
	var s State
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w (remove it to upload everything again into a new platform report)", StateFile, err)
	}
	return &s, nil
}

// target returns the entry for api and project, adding an empty one.
func (s *State) target(api, project string) *Target {
	for i := range s.Uploads {
		if s.Uploads[i].APIURL == api && s.Uploads[i].Project == project {
			return &s.Uploads[i]
		}
	}
	s.Uploads = append(s.Uploads, Target{APIURL: api, Project: project, Files: map[string]Sent{}})
	return &s.Uploads[len(s.Uploads)-1]
}

// write replaces upload.json (0600) through a temporary file and a rename, so a crash
// leaves the old record or the new one, never half of one.
func (s *State) write(dir string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".upload-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, StateFile))
}
