// Package upload sends a report's platform files (platform/<ID>.json, and optionally
// md/<ID>.md) to the Postgres.ai platform: checkup_report_create once, then one
// checkup_report_file_post per file, recording what was delivered in the report
// folder's upload.json so that a failed upload resumes where it stopped.
package upload

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"time"

	"github.com/pgcheckup/pgcheckup/internal/privacy"
	"github.com/pgcheckup/pgcheckup/report"
)

// Options of one upload.
type Options struct {
	APIURL       string // checked with CheckURL
	InsecureHTTP bool   // allow http:// to localhost
	CAFile       string // extra roots besides the system's
	Token        string // never printed
	Project      string // platform project; empty: the report's project
	WithMarkdown bool   // also md/<ID>.md, as type "md"
	DryRun       bool
	Timeout      time.Duration // per request; 0: 60s
	Retry        Retry         // zero: DefaultRetry
	// Validate checks a platform file against its check's schema before anything is
	// sent; nil checks only that the file is a JSON object naming its check.
	Validate func(id string, data []byte) error
	Stdout   io.Writer // the dry-run listing and the summary
	Log      io.Writer // progress, retries and errors
}

// File is one file to send.
type File struct {
	Path    string // relative to the report folder, slash-separated
	Name    string // the filename the platform gets
	CheckID string
	Type    string // json or md
	Size    int
	sha     string
	data    []byte
}

// Summary is what an upload did.
type Summary struct {
	ReportID    int64
	Sent        int // in this run
	AlreadySent int // by an earlier run, into the same platform report
	Failed      int // tried and not delivered
	NotTried    int // left after a failure that would repeat for every file
}

// Delivered: every file is on the platform.
func (s Summary) Delivered() bool { return s.Failed == 0 && s.NotTried == 0 }

// UsageError is a refusal before anything was sent: a bad URL, a missing or unsafe
// token, a folder that is not a report, a report with raw query texts.
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

func refuse(format string, args ...any) error { return UsageError{fmt.Errorf(format, args...)} }

var (
	platformRE = regexp.MustCompile(`^([A-Z][0-9]{3})\.json$`)
	markdownRE = regexp.MustCompile(`^([A-Z][0-9]{3})\.md$`)
)

// Plan lists the files of the report folder dir that an upload sends, validated. It
// refuses a folder without report.json or platform files and a report made with raw
// query texts (they hold literals: data and secrets).
func Plan(dir string, opts Options) (*report.Report, []File, error) {
	rep, err := report.Read(filepath.Join(dir, "report.json"))
	if err != nil {
		return nil, nil, refuse("%s is not a report folder: %v", dir, err)
	}
	if rep.Options.QueryText == privacy.QueryRaw {
		return nil, nil, refuse("the report in %s was made with --query-text raw: its query texts hold literals (data, secrets) and it is never uploaded; run again with normalized or none", dir)
	}
	files, err := listFiles(dir, "platform", platformRE, "json")
	if err != nil {
		return nil, nil, err
	}
	if len(files) == 0 {
		return nil, nil, refuse("no platform files in %s: write them with `pgcheckup export %s --format platform` (or run with --format ...,platform)", filepath.Join(dir, "platform"), dir)
	}
	var bad []error
	for _, f := range files {
		if err := checkPlatformFile(f, opts.Validate); err != nil {
			bad = append(bad, err)
		}
	}
	if len(bad) > 0 {
		return nil, nil, fmt.Errorf("invalid platform files, nothing was sent:\n%w", errors.Join(bad...))
	}
	if opts.WithMarkdown {
		md, err := listFiles(dir, "md", markdownRE, "md")
		if err != nil {
			return nil, nil, err
		}
		if len(md) == 0 {
			return nil, nil, refuse("--with-markdown: no md/<ID>.md files in %s (render them with `pgcheckup render %s --format md`)", dir, filepath.Join(dir, "report.json"))
		}
		files = append(files, md...)
	}
	return rep, files, nil
}

// listFiles reads the regular files of dir/sub whose names match re. A symbolic link
// is refused: what is sent is what the report folder holds.
func listFiles(dir, sub string, re *regexp.Regexp, typ string) ([]File, error) {
	entries, err := os.ReadDir(filepath.Join(dir, sub))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, refuse("%v", err)
	}
	var out []File
	for _, e := range entries {
		m := re.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		if !e.Type().IsRegular() {
			return nil, refuse("%s/%s is not a regular file", sub, e.Name())
		}
		data, err := os.ReadFile(filepath.Join(dir, sub, e.Name()))
		if err != nil {
			return nil, refuse("%v", err)
		}
		sum := sha256.Sum256(data)
		out = append(out, File{Path: sub + "/" + e.Name(), Name: e.Name(), CheckID: m[1], Type: typ,
			Size: len(data), sha: hex.EncodeToString(sum[:]), data: data})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// checkPlatformFile: a JSON object whose checkId is the file's, then the schema.
func checkPlatformFile(f File, validate func(string, []byte) error) error {
	var head struct {
		CheckID string `json:"checkId"`
	}
	if err := json.Unmarshal(f.data, &head); err != nil {
		return fmt.Errorf("%s: %s: not a JSON object: %v", f.CheckID, f.Path, err)
	}
	if head.CheckID != f.CheckID {
		return fmt.Errorf("%s: %s: checkId is %q, want %q", f.CheckID, f.Path, head.CheckID, f.CheckID)
	}
	if validate != nil {
		if err := validate(f.CheckID, f.data); err != nil {
			return fmt.Errorf("%s: %s: %w", f.CheckID, f.Path, err)
		}
	}
	return nil
}

// Upload sends the files of the report folder dir that the platform does not have yet.
// The error is a UsageError when nothing was tried; otherwise the summary says what
// was delivered, and err is non-nil when something was not.
func Upload(ctx context.Context, dir string, opts Options) (Summary, error) {
	var sum Summary
	if opts.Stdout == nil {
		opts.Stdout = io.Discard
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	api, err := CheckURL(opts.APIURL, opts.InsecureHTTP)
	if err != nil {
		return sum, UsageError{err}
	}
	if !opts.DryRun {
		if _, err := checkToken(opts.Token, "token"); err != nil {
			return sum, UsageError{err}
		}
	}
	rep, files, err := Plan(dir, opts)
	if err != nil {
		return sum, err
	}
	project := opts.Project
	if project == "" {
		project = rep.Project
	}
	state, err := readState(dir)
	if err != nil {
		return sum, UsageError{err}
	}
	tg := state.target(api, project)
	sum.ReportID = tg.ReportID
	var todo []File
	for _, f := range files {
		sent, ok := tg.Files[f.Path]
		switch {
		case ok && sent.SHA256 == f.sha:
			sum.AlreadySent++
		case ok:
			fmt.Fprintf(opts.Log, "upload: %s changed since it was sent to platform report %d: sending it again\n", f.Path, tg.ReportID)
			todo = append(todo, f)
		default:
			todo = append(todo, f)
		}
	}
	if opts.DryRun {
		dryRun(opts.Stdout, api, project, tg, files, todo)
		return sum, nil
	}
	if len(todo) == 0 {
		fmt.Fprintf(opts.Stdout, "upload: nothing to send: all %d files are in platform report %d (%s)\n", len(files), tg.ReportID, StateFile)
		return sum, nil
	}
	hc, err := newHTTPClient(opts.CAFile)
	if err != nil {
		return sum, UsageError{err}
	}
	c := &client{api: api, token: opts.Token, http: hc, timeout: opts.Timeout, retry: opts.Retry,
		log: func(format string, args ...any) { fmt.Fprintf(opts.Log, "upload: "+format+"\n", args...) }}
	if c.timeout <= 0 {
		c.timeout = 60 * time.Second
	}
	if c.retry.Attempts <= 0 {
		c.retry = DefaultRetry
	}
	if tg.ReportID == 0 {
		id, err := c.createReport(ctx, project, rep.StartedAt.Unix())
		if err != nil {
			sum.NotTried = len(todo)
			summary(opts.Stdout, api, sum)
			return sum, err
		}
		tg.ReportID, tg.Created, sum.ReportID = id, time.Now().UTC(), id
		// Recorded before any file: a resumed upload goes into this report.
		if err := state.write(dir); err != nil {
			return sum, fmt.Errorf("platform report %d created, but %s could not be written: %w", id, StateFile, err)
		}
		fmt.Fprintf(opts.Log, "upload: platform report %d created for project %s\n", id, project)
	} else {
		fmt.Fprintf(opts.Log, "upload: resuming platform report %d: %d files sent before, %d to send\n", tg.ReportID, sum.AlreadySent, len(todo))
	}
	var errs []error
	for i, f := range todo {
		chunk, err := c.postFile(ctx, tg.ReportID, f, f.data)
		if err != nil {
			sum.Failed++
			errs = append(errs, fmt.Errorf("%s: %w", f.Path, err))
			fmt.Fprintf(opts.Log, "upload: %s not sent: %v\n", f.Path, err)
			var re *rpcError
			if ctx.Err() != nil || (errors.As(err, &re) && (re.fatal() || re.retryable())) {
				// Retries are spent or the server refuses us: the next files would fail
				// the same way.
				sum.NotTried = len(todo) - i - 1
				break
			}
			continue
		}
		sum.Sent++
		tg.Files[f.Path] = Sent{SHA256: f.sha, ChunkID: chunk, At: time.Now().UTC()}
		if err := state.write(dir); err != nil {
			errs = append(errs, fmt.Errorf("%s was sent, but %s could not be written: %w", f.Path, StateFile, err))
			sum.NotTried = len(todo) - i - 1
			break
		}
		fmt.Fprintf(opts.Log, "upload: sent %s (%d bytes)\n", f.Path, f.Size)
	}
	summary(opts.Stdout, api, sum)
	return sum, errors.Join(errs...)
}

func dryRun(w io.Writer, api, project string, tg *Target, files, todo []File) {
	fmt.Fprintf(w, "dry run: nothing is sent\nAPI:      %s\nproject:  %s\n", api, project)
	if tg.ReportID != 0 {
		fmt.Fprintf(w, "report:   platform report %d (resumed from %s)\n", tg.ReportID, StateFile)
	} else {
		fmt.Fprintf(w, "report:   a new platform report (%s/rpc/checkup_report_create)\n", api)
	}
	pending := map[string]bool{}
	for _, f := range todo {
		pending[f.Path] = true
	}
	fmt.Fprintf(w, "files (%s/rpc/checkup_report_file_post):\n", api)
	total := 0
	for _, f := range files {
		state := "to send"
		if !pending[f.Path] {
			state = "already sent"
		} else {
			total += f.Size
		}
		fmt.Fprintf(w, "  %-18s check %s  type %-4s %9d bytes  %s\n", f.Path, f.CheckID, f.Type, f.Size, state)
	}
	fmt.Fprintf(w, "%d files to send, %d bytes\n", len(todo), total)
}

func summary(w io.Writer, api string, s Summary) {
	id := "none"
	if s.ReportID != 0 {
		id = fmt.Sprint(s.ReportID)
	}
	fmt.Fprintf(w, "upload to %s: platform report %s: %d sent, %d sent before, %d failed, %d not tried\n",
		api, id, s.Sent, s.AlreadySent, s.Failed, s.NotTried)
}
