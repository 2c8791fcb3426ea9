// Package uploadtest is a receiver of the Postgres.ai platform's checkup RPCs
// (checkup_report_create, checkup_report_file_post) for tests and the demo: it checks
// every request as the platform would, answers in the shapes the platform uses,
// PostgREST-style errors included, stores what it received, and can be told to fail.
package uploadtest

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// Fault is a programmed failure of the next calls of one RPC.
type Fault struct {
	RPC    string        // checkup_report_create, checkup_report_file_post, or "" for any
	Status int           // answer with this status and a PostgREST error
	Delay  time.Duration // answer only after this long (nothing is stored if the client gave up)
	Reset  bool          // close the connection without an answer (nothing is stored)
	Times  int           // how many calls it applies to; 0 means every call until cleared
	Skip   int           // let this many matching calls through first
}

// File is one received file.
type File struct {
	ReportID      int64
	ChunkID       int64
	CheckID       string
	Filename      string
	Type          string
	Data          string
	GenerateIssue bool
}

// Report is one received checkup report.
type Report struct {
	ID      int64
	Project string
	Epoch   int64
}

// Receiver is the server. Set its fields before the first request.
type Receiver struct {
	URL    string // https://127.0.0.1:PORT (or http:// from NewPlain)
	CAFile string // PEM of the server's certificate, for --ca-file (empty for NewPlain)
	Token  string // the token it accepts
	// Validate, when set, checks a JSON file against its check's schema.
	Validate func(id string, data []byte) error
	// ChunkKey is the spelling of the file id in answers: report_chunck_id (the
	// platform's) by default, or report_chunk_id.
	ChunkKey string
	// Wrap shapes every answer: "" (a bare object), "array" or "result".
	Wrap string

	srv     *httptest.Server
	mu      sync.Mutex
	faults  []*Fault
	reports []Report
	files   []File
	bodies  [][]byte // every request body, accepted or not
	headers []string // every access-token header
	calls   map[string]int
	nextID  int64
}

// New starts an HTTPS receiver and writes its certificate to caDir/receiver-ca.pem.
func New(token, caDir string) (*Receiver, error) {
	r := &Receiver{Token: token, calls: map[string]int{}}
	r.srv = httptest.NewTLSServer(r)
	r.URL = r.srv.URL
	r.CAFile = caDir + "/receiver-ca.pem"
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: r.srv.Certificate().Raw})
	if err := os.WriteFile(r.CAFile, cert, 0o600); err != nil {
		r.srv.Close()
		return nil, err
	}
	return r, nil
}

// NewPlain starts a receiver over plain http (for --insecure-http on localhost).
func NewPlain(token string) *Receiver {
	r := &Receiver{Token: token, calls: map[string]int{}}
	r.srv = httptest.NewServer(r)
	r.URL = r.srv.URL
	return r
}

// NewOn serves on a listener of the caller's (the demo's fixed address), over TLS when
// caFile is not empty (its certificate is written there).
func NewOn(l net.Listener, token, caFile string) (*Receiver, error) {
	r := &Receiver{Token: token, calls: map[string]int{}}
	r.srv = httptest.NewUnstartedServer(r)
	r.srv.Listener.Close()
	r.srv.Listener = l
	if caFile == "" {
		r.srv.Start()
		r.URL = r.srv.URL
		return r, nil
	}
	r.srv.StartTLS()
	r.URL = r.srv.URL
	r.CAFile = caFile
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: r.srv.Certificate().Raw})
	return r, os.WriteFile(caFile, cert, 0o600)
}

// Close stops the server.
func (r *Receiver) Close() { r.srv.Close() }

// Fail programs a fault; faults apply in the order they were added.
func (r *Receiver) Fail(f Fault) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.faults = append(r.faults, &f)
}

// Clear removes every programmed fault.
func (r *Receiver) Clear() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.faults = nil
}

// Reports, Files, Bodies and Headers return copies of what was received.
func (r *Receiver) Reports() []Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Report(nil), r.reports...)
}

// Files returns the accepted files in the order they arrived.
func (r *Receiver) Files() []File {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]File(nil), r.files...)
}

// Bodies returns every request body received, accepted or not.
func (r *Receiver) Bodies() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.bodies...)
}

// Headers returns the access-token header of every request.
func (r *Receiver) Headers() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.headers...)
}

// Calls counts the requests per RPC name, failed ones included.
func (r *Receiver) Calls(rpc string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[rpc]
}

// fault returns the fault for this call of rpc, if any, using one of its times.
func (r *Receiver) fault(rpc string) *Fault {
	for i, f := range r.faults {
		if f.RPC != "" && f.RPC != rpc {
			continue
		}
		if f.Skip > 0 {
			f.Skip--
			return nil
		}
		g := *f
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				r.faults = append(r.faults[:i], r.faults[i+1:]...)
			}
		}
		return &g
	}
	return nil
}

var (
	idRE       = regexp.MustCompile(`^[A-Z][0-9]{3}$`)
	filenameRE = regexp.MustCompile(`^[A-Z][0-9]{3}\.(json|md)$`)
)

// ServeHTTP implements the two RPCs.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	rpc := ""
	if i := strings.LastIndex(req.URL.Path, "/rpc/"); i >= 0 {
		rpc = req.URL.Path[i+len("/rpc/"):]
	}
	if rpc != "checkup_report_create" && rpc != "checkup_report_file_post" {
		pgrstError(w, http.StatusNotFound, "PGRST202", "Could not find the function "+rpc, "", "")
		return
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, 64<<20))
	if err != nil {
		return
	}
	r.mu.Lock()
	r.calls[rpc]++
	r.bodies = append(r.bodies, body)
	r.headers = append(r.headers, req.Header.Get("access-token"))
	f := r.fault(rpc)
	r.mu.Unlock()
	if f != nil {
		if f.Reset {
			reset(w)
			return
		}
		if f.Delay > 0 {
			select {
			case <-time.After(f.Delay):
			case <-req.Context().Done():
				return // the client gave up: like a rolled-back transaction, nothing stored
			}
		}
		if f.Status != 0 {
			msg := map[int]string{401: "invalid access token", 500: "internal error (programmed)", 503: "service unavailable (programmed)"}[f.Status]
			if msg == "" {
				msg = http.StatusText(f.Status)
			}
			pgrstError(w, f.Status, "PT"+fmt.Sprint(f.Status), msg, "a programmed failure of the test receiver", "")
			return
		}
	}
	if req.Method != http.MethodPost {
		pgrstError(w, http.StatusMethodNotAllowed, "PGRST117", "Unsupported HTTP method", "", "")
		return
	}
	if !strings.HasPrefix(req.Header.Get("Content-Type"), "application/json") {
		pgrstError(w, http.StatusUnsupportedMediaType, "PGRST107", "Content-Type must be application/json", "", "")
		return
	}
	switch rpc {
	case "checkup_report_create":
		r.create(w, req, body)
	default:
		r.filePost(w, req, body)
	}
}

// reset closes the connection at once, with a TCP reset where possible.
func reset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := netConn(conn).(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// netConn unwraps a TLS connection to the TCP one beneath.
func netConn(c net.Conn) net.Conn {
	if u, ok := c.(interface{ NetConn() net.Conn }); ok {
		return u.NetConn()
	}
	return c
}

func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("data after the JSON value")
	}
	return nil
}

// authorized: the token in the body and in the header.
func (r *Receiver) authorized(w http.ResponseWriter, req *http.Request, token *string) bool {
	if token == nil || *token != r.Token || req.Header.Get("access-token") != r.Token {
		pgrstError(w, http.StatusUnauthorized, "PT401", "invalid access token", "", "Check the token of the project.")
		return false
	}
	return true
}

func (r *Receiver) create(w http.ResponseWriter, req *http.Request, body []byte) {
	var in struct {
		AccessToken *string `json:"access_token"`
		Project     *string `json:"project"`
		Epoch       *int64  `json:"epoch"`
	}
	if err := decodeStrict(body, &in); err != nil {
		pgrstError(w, http.StatusBadRequest, "PGRST102", "Invalid body", err.Error(), "")
		return
	}
	if !r.authorized(w, req, in.AccessToken) {
		return
	}
	if in.Project == nil || *in.Project == "" || in.Epoch == nil || *in.Epoch <= 0 {
		pgrstError(w, http.StatusBadRequest, "P0001", "project and epoch are required", "", "")
		return
	}
	r.mu.Lock()
	r.nextID++
	id := r.nextID
	r.reports = append(r.reports, Report{ID: id, Project: *in.Project, Epoch: *in.Epoch})
	r.mu.Unlock()
	r.answer(w, map[string]any{"report_id": id})
}

func (r *Receiver) filePost(w http.ResponseWriter, req *http.Request, body []byte) {
	var in struct {
		AccessToken   *string `json:"access_token"`
		ReportID      *int64  `json:"checkup_report_id"`
		CheckID       *string `json:"check_id"`
		Filename      *string `json:"filename"`
		Data          *string `json:"data"`
		Type          *string `json:"type"`
		GenerateIssue *bool   `json:"generate_issue"`
	}
	if err := decodeStrict(body, &in); err != nil {
		pgrstError(w, http.StatusBadRequest, "PGRST102", "Invalid body", err.Error(), "")
		return
	}
	if !r.authorized(w, req, in.AccessToken) {
		return
	}
	if in.ReportID == nil || in.CheckID == nil || in.Filename == nil || in.Data == nil || in.Type == nil || in.GenerateIssue == nil {
		pgrstError(w, http.StatusBadRequest, "P0001", "checkup_report_id, check_id, filename, data, type and generate_issue are required", "", "")
		return
	}
	if !idRE.MatchString(*in.CheckID) || !filenameRE.MatchString(*in.Filename) || !strings.HasPrefix(*in.Filename, *in.CheckID+".") ||
		!strings.HasSuffix(*in.Filename, "."+*in.Type) {
		pgrstError(w, http.StatusBadRequest, "P0001", "check_id, filename and type do not agree", "", "")
		return
	}
	if *in.Type == "json" {
		if err := r.validJSON(*in.CheckID, []byte(*in.Data)); err != nil {
			pgrstError(w, http.StatusBadRequest, "P0001", "invalid checkup file", err.Error(), "")
			return
		}
	}
	r.mu.Lock()
	known := false
	for _, rep := range r.reports {
		known = known || rep.ID == *in.ReportID
	}
	if !known {
		r.mu.Unlock()
		pgrstError(w, http.StatusBadRequest, "P0001", "no such checkup report", fmt.Sprintf("report %d", *in.ReportID), "")
		return
	}
	r.nextID++
	chunk := r.nextID
	r.files = append(r.files, File{ReportID: *in.ReportID, ChunkID: chunk, CheckID: *in.CheckID, Filename: *in.Filename,
		Type: *in.Type, Data: *in.Data, GenerateIssue: *in.GenerateIssue})
	r.mu.Unlock()
	key := r.ChunkKey
	if key == "" {
		key = "report_chunck_id"
	}
	r.answer(w, map[string]any{key: chunk})
}

func (r *Receiver) validJSON(id string, data []byte) error {
	var head struct {
		CheckID string `json:"checkId"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return fmt.Errorf("data is not a JSON object: %v", err)
	}
	if head.CheckID != id {
		return fmt.Errorf("checkId %q in a file for %s", head.CheckID, id)
	}
	if r.Validate != nil {
		return r.Validate(id, data)
	}
	return nil
}

func (r *Receiver) answer(w http.ResponseWriter, obj map[string]any) {
	var v any = obj
	switch r.Wrap {
	case "array":
		v = []any{obj}
	case "result":
		v = map[string]any{"result": obj}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func pgrstError(w http.ResponseWriter, status int, code, message, details, hint string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	var d, h any
	if details != "" {
		d = details
	}
	if hint != "" {
		h = hint
	}
	json.NewEncoder(w).Encode(map[string]any{"code": code, "message": message, "details": d, "hint": h})
}

// Dump writes every received file under dir/<report id>/<filename> (the demo's record).
func (r *Receiver) Dump(dir string) error {
	files := r.Files()
	sort.Slice(files, func(i, j int) bool { return files[i].ChunkID < files[j].ChunkID })
	for _, f := range files {
		d := fmt.Sprintf("%s/%d", dir, f.ReportID)
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(d+"/"+f.Filename, []byte(f.Data), 0o600); err != nil {
			return err
		}
	}
	return nil
}
