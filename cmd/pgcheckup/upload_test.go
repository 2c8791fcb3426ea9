package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/upload"
	"github.com/pgcheckup/pgcheckup/internal/uploadtest"
	"github.com/pgcheckup/pgcheckup/platform"
	"github.com/pgcheckup/pgcheckup/report"
)

// testToken is the platform token of these tests; it must never show outside the
// auth fields of a request.
const testToken = "CANARYTOKEN_upl0ad-7f3e9a"

// reportFolder makes a report folder without a database: the demo sample's
// report.json (edited by edit), its platform files as the exporter writes them, and
// md/<ID>.md files. It returns the folder and the check IDs of the platform files.
func reportFolder(t *testing.T, edit func(map[string]any)) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join("..", "..", "samples", "demo", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := report.Read(filepath.Join("..", "..", "samples", "demo", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := platform.Export(rep)
	if err != nil || len(files) < 5 {
		t.Fatalf("export of the sample: %d files, %v", len(files), err)
	}
	if edit != nil {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		if b, err = json.Marshal(m); err != nil {
			t.Fatal(err)
		}
	}
	must(t, os.WriteFile(filepath.Join(dir, "report.json"), b, 0o600))
	must(t, os.MkdirAll(filepath.Join(dir, "platform"), 0o700))
	must(t, os.MkdirAll(filepath.Join(dir, "md"), 0o700))
	var ids []string
	for name, body := range files {
		id := strings.TrimSuffix(name, ".json")
		ids = append(ids, id)
		must(t, os.WriteFile(filepath.Join(dir, "platform", name), body, 0o600))
		must(t, os.WriteFile(filepath.Join(dir, "md", id+".md"), []byte("# "+id+"\n"), 0o600))
	}
	sort.Strings(ids)
	return dir, ids
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// receiver starts an HTTPS receiver, puts the token in the environment and makes
// retries quick.
func receiver(t *testing.T) *uploadtest.Receiver {
	t.Helper()
	r, err := uploadtest.New(testToken, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	r.Validate = platform.Validate
	t.Setenv(upload.TokenEnv, testToken)
	t.Setenv(apiURLEnv, "")
	old := uploadRetry
	uploadRetry = upload.Retry{Attempts: 4, Base: 5 * time.Millisecond, Max: 20 * time.Millisecond}
	t.Cleanup(func() { uploadRetry = old })
	return r
}

func runUpload(t *testing.T, r *uploadtest.Receiver, dir string, extra ...string) (int, string, string) {
	t.Helper()
	args := append([]string{"upload", "--api-url", r.URL, "--ca-file", r.CAFile}, extra...)
	code, stdout, stderr := runCLI(t, append(args, dir)...)
	noToken(t, dir, stdout, stderr)
	return code, stdout, stderr
}

// noToken: the token is in no output and no file of the report folder.
func noToken(t *testing.T, dir, stdout, stderr string) {
	t.Helper()
	files := outputs(t, dir)
	files["stdout"], files["stderr"] = stdout, stderr
	for path, body := range files {
		if strings.Contains(body, testToken) || strings.Contains(body, "CANARYTOKEN") {
			t.Errorf("%s shows the token:\n%s", path, body)
		}
	}
}

// onceEach: every platform file of the folder arrived exactly once, all in one report.
func onceEach(t *testing.T, r *uploadtest.Receiver, ids []string, typ string) {
	t.Helper()
	got := map[string]int{}
	reports := map[int64]bool{}
	for _, f := range r.Files() {
		if f.Type == typ {
			got[f.CheckID]++
		}
		reports[f.ReportID] = true
		if !f.GenerateIssue {
			t.Errorf("%s sent without generate_issue", f.Filename)
		}
	}
	for _, id := range ids {
		if got[id] != 1 {
			t.Errorf("%s (%s) received %d times, want once", id, typ, got[id])
		}
	}
	if len(got) != len(ids) {
		t.Errorf("received %v, want %v", got, ids)
	}
	if len(reports) != 1 || len(r.Reports()) != 1 {
		t.Errorf("files went to reports %v; %d reports created, want 1", reports, len(r.Reports()))
	}
}

func TestUploadSuccess(t *testing.T) {
	r := receiver(t)
	dir, platformIDs := reportFolder(t, nil)
	code, stdout, stderr := runUpload(t, r, dir, "--project", "prod")
	if code != exitOK {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	onceEach(t, r, platformIDs, "json")
	rep := r.Reports()[0]
	if rep.Project != "prod" || rep.Epoch < 1_700_000_000 {
		t.Errorf("report created as %+v", rep)
	}
	if !strings.Contains(stdout, fmt.Sprintf("platform report %d: %d sent, 0 sent before, 0 failed, 0 not tried", rep.ID, len(platformIDs))) {
		t.Errorf("summary: %s", stdout)
	}
	for _, h := range r.Headers() {
		if h != testToken {
			t.Errorf("access-token header %q", h)
		}
	}
	fi, err := os.Stat(filepath.Join(dir, upload.StateFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("upload.json: %v, mode %v", err, fi)
	}
	// Again: nothing is sent twice.
	code, stdout, _ = runUpload(t, r, dir, "--project", "prod")
	if code != exitOK || !strings.Contains(stdout, "nothing to send") || r.Calls("checkup_report_file_post") != len(platformIDs) {
		t.Fatalf("second upload: exit %d, %d file posts: %s", code, r.Calls("checkup_report_file_post"), stdout)
	}
	// Markdown is added to the same platform report, and only it.
	code, stdout, stderr = runUpload(t, r, dir, "--project", "prod", "--with-markdown")
	if code != exitOK {
		t.Fatalf("--with-markdown: exit %d: %s %s", code, stdout, stderr)
	}
	onceEach(t, r, platformIDs, "md")
}

// TestUploadResponseShapes: array-wrapped and result-wrapped answers, and both
// spellings of the file id.
func TestUploadResponseShapes(t *testing.T) {
	for _, c := range []struct{ wrap, key string }{{"array", "report_chunck_id"}, {"result", "report_chunk_id"}, {"", "report_chunk_id"}} {
		t.Run(c.wrap+"/"+c.key, func(t *testing.T) {
			r := receiver(t)
			r.Wrap, r.ChunkKey = c.wrap, c.key
			dir, platformIDs := reportFolder(t, nil)
			if code, stdout, stderr := runUpload(t, r, dir); code != exitOK {
				t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
			}
			onceEach(t, r, platformIDs, "json")
		})
	}
}

func TestUploadRetries5xx(t *testing.T) {
	r := receiver(t)
	r.Fail(uploadtest.Fault{RPC: "checkup_report_create", Status: 503, Times: 1})
	r.Fail(uploadtest.Fault{RPC: "checkup_report_file_post", Status: 500, Times: 2})
	dir, platformIDs := reportFolder(t, nil)
	code, stdout, stderr := runUpload(t, r, dir)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	onceEach(t, r, platformIDs, "json")
	if got := r.Calls("checkup_report_file_post"); got != len(platformIDs)+2 {
		t.Errorf("%d file posts, want %d (two retried)", got, len(platformIDs)+2)
	}
	if strings.Count(stderr, "retrying") != 3 || !strings.Contains(stderr, "HTTP 500: internal error (programmed); details: a programmed failure") {
		t.Errorf("retries not shown with the server's message:\n%s", stderr)
	}
}

func TestUpload401(t *testing.T) {
	r := receiver(t)
	t.Setenv(upload.TokenEnv, "wrong-token")
	dir, platformIDs := reportFolder(t, nil)
	code, stdout, stderr := runUpload(t, r, dir)
	if code != exitUploadFailed {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitUploadFailed, stdout, stderr)
	}
	if r.Calls("checkup_report_create") != 1 || r.Calls("checkup_report_file_post") != 0 {
		t.Errorf("a 401 was retried or followed: %d creates, %d file posts", r.Calls("checkup_report_create"), r.Calls("checkup_report_file_post"))
	}
	if !strings.Contains(stderr, "HTTP 401: invalid access token; hint: Check the token of the project.") {
		t.Errorf("no clear message:\n%s", stderr)
	}
	if strings.Contains(stdout+stderr, "wrong-token") {
		t.Error("the token is shown")
	}
	// A 401 on a file stops the rest: every one would fail the same way.
	t.Setenv(upload.TokenEnv, testToken)
	r.Fail(uploadtest.Fault{RPC: "checkup_report_file_post", Status: 401, Skip: 1})
	code, stdout, _ = runUpload(t, r, dir)
	if code != exitUploadFailed || r.Calls("checkup_report_file_post") != 2 ||
		!strings.Contains(stdout, fmt.Sprintf("1 sent, 0 sent before, 1 failed, %d not tried", len(platformIDs)-2)) {
		t.Errorf("exit %d, %d file posts: %s", code, r.Calls("checkup_report_file_post"), stdout)
	}
}

// TestUploadResetResume: the connection drops after two files and stays down; the
// upload fails (exit 6) saying what was sent; the next upload sends only the rest, into
// the same platform report.
func TestUploadResetResume(t *testing.T) {
	r := receiver(t)
	r.Fail(uploadtest.Fault{RPC: "checkup_report_file_post", Reset: true, Skip: 2})
	dir, platformIDs := reportFolder(t, nil)
	code, stdout, stderr := runUpload(t, r, dir)
	if code != exitUploadFailed {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitUploadFailed, stdout, stderr)
	}
	if len(r.Files()) != 2 || !strings.Contains(stdout, fmt.Sprintf("2 sent, 0 sent before, 1 failed, %d not tried", len(platformIDs)-3)) {
		t.Fatalf("%d files stored: %s\n%s", len(r.Files()), stdout, stderr)
	}
	if r.Calls("checkup_report_file_post") != 2+uploadRetry.Attempts {
		t.Errorf("%d file posts, want 2 + %d attempts", r.Calls("checkup_report_file_post"), uploadRetry.Attempts)
	}
	r.Clear()
	code, stdout, stderr = runUpload(t, r, dir)
	if code != exitOK || !strings.Contains(stdout, fmt.Sprintf("%d sent, 2 sent before, 0 failed", len(platformIDs)-2)) {
		t.Fatalf("resumed upload: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if r.Calls("checkup_report_create") != 1 {
		t.Errorf("%d reports created", r.Calls("checkup_report_create"))
	}
	onceEach(t, r, platformIDs, "json")
}

// TestUploadSlow: a receiver slower than the request timeout fails the upload within
// the attempts' timeouts, stores nothing and says why.
func TestUploadSlow(t *testing.T) {
	r := receiver(t)
	r.Fail(uploadtest.Fault{Delay: 5 * time.Second})
	dir, _ := reportFolder(t, nil)
	start := time.Now()
	code, stdout, stderr := runUpload(t, r, dir, "--request-timeout", "200ms")
	took := time.Since(start)
	if code != exitUploadFailed || len(r.Files()) != 0 || len(r.Reports()) != 0 {
		t.Fatalf("exit %d, %d files\n%s\n%s", code, len(r.Files()), stdout, stderr)
	}
	if took > time.Duration(uploadRetry.Attempts)*200*time.Millisecond+2*time.Second {
		t.Errorf("took %s", took)
	}
	if !strings.Contains(stderr, "no answer within 200ms (request timeout)") || r.Calls("checkup_report_create") != uploadRetry.Attempts {
		t.Errorf("%d attempts:\n%s", r.Calls("checkup_report_create"), stderr)
	}
}

func TestUploadPlainHTTP(t *testing.T) {
	receiver(t) // environment and retries
	r := uploadtest.NewPlain(testToken)
	defer r.Close()
	dir, platformIDs := reportFolder(t, nil)
	code, _, stderr := runCLI(t, "upload", "--api-url", r.URL, dir)
	if code != exitUsage || r.Calls("checkup_report_create") != 0 || !strings.Contains(stderr, "plain http would send the token unencrypted") {
		t.Fatalf("http without --insecure-http: exit %d, %d calls: %s", code, r.Calls("checkup_report_create"), stderr)
	}
	for _, u := range []string{"http://db.example.com/api", "http://10.0.0.1/api", "ftp://localhost/"} {
		if code, _, stderr := runCLI(t, "upload", "--insecure-http", "--api-url", u, dir); code != exitUsage {
			t.Errorf("%s: exit %d: %s", u, code, stderr)
		}
	}
	code, stdout, stderr := runCLI(t, "upload", "--insecure-http", "--api-url", r.URL, dir)
	noToken(t, dir, stdout, stderr)
	if code != exitOK {
		t.Fatalf("--insecure-http to localhost: exit %d: %s", code, stderr)
	}
	onceEach(t, r, platformIDs, "json")
}

// TestUploadTLSVerified: without the receiver's CA the certificate is refused.
func TestUploadTLSVerified(t *testing.T) {
	r := receiver(t)
	dir, _ := reportFolder(t, nil)
	code, _, stderr := runCLI(t, "upload", "--api-url", r.URL, dir)
	if code != exitUploadFailed || len(r.Reports()) != 0 || !strings.Contains(stderr, "certificate") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

func TestUploadToken(t *testing.T) {
	r := receiver(t)
	dir, platformIDs := reportFolder(t, nil)
	t.Setenv(upload.TokenEnv, "")
	if code, _, stderr := runUpload(t, r, dir); code != exitUsage || !strings.Contains(stderr, "no platform token") {
		t.Fatalf("no token: exit %d: %s", code, stderr)
	}
	conf := filepath.Join(t.TempDir(), "c.toml")
	tokenFile := filepath.Join(filepath.Dir(conf), "token")
	must(t, os.WriteFile(conf, []byte(fmt.Sprintf("api_url = %q\ntoken_file = %q\n", r.URL, tokenFile)), 0o600))
	must(t, os.WriteFile(tokenFile, []byte(testToken+"\n"), 0o644))
	code, stdout, stderr := runCLI(t, "upload", "--config", conf, "--ca-file", r.CAFile, dir)
	noToken(t, dir, stdout, stderr)
	if code != exitUsage || !strings.Contains(stderr, "mode 0644") || len(r.Bodies()) != 0 {
		t.Fatalf("group-readable token file: exit %d: %s", code, stderr)
	}
	must(t, os.Chmod(tokenFile, 0o600))
	code, stdout, stderr = runCLI(t, "upload", "--config", conf, "--ca-file", r.CAFile, dir)
	noToken(t, dir, stdout, stderr)
	if code != exitOK {
		t.Fatalf("token file 0600: exit %d: %s", code, stderr)
	}
	onceEach(t, r, platformIDs, "json")
	must(t, os.WriteFile(conf, []byte("api_ulr = \"https://elsewhere.invalid\"\n"), 0o600))
	if code, _, stderr := runCLI(t, "upload", "--config", conf, dir); code != exitUsage || !strings.Contains(stderr, "api_ulr") {
		t.Errorf("misspelt key: exit %d: %s", code, stderr)
	}
}

func TestUploadRefusesRawQueryText(t *testing.T) {
	r := receiver(t)
	dir, _ := reportFolder(t, func(m map[string]any) { m["options"].(map[string]any)["query_text"] = "raw" })
	code, _, stderr := runUpload(t, r, dir)
	if code != exitUsage || len(r.Bodies()) != 0 || !strings.Contains(stderr, "--query-text raw") {
		t.Fatalf("exit %d, %d requests: %s", code, len(r.Bodies()), stderr)
	}
}

func TestUploadRefusesInvalidFile(t *testing.T) {
	r := receiver(t)
	dir, ids := reportFolder(t, nil)
	must(t, os.WriteFile(filepath.Join(dir, "platform", ids[1]+".json"), []byte(`{"checkId":"`+ids[0]+`"}`), 0o600))
	code, _, stderr := runUpload(t, r, dir)
	if code != exitUploadFailed || len(r.Bodies()) != 0 || !strings.Contains(stderr, ids[1]+": platform/"+ids[1]+`.json: checkId is "`+ids[0]+`"`) {
		t.Fatalf("exit %d, %d requests: %s", code, len(r.Bodies()), stderr)
	}
	// Valid JSON naming its check, but not what the schema allows: nothing is sent,
	// and the error names the check and the JSON pointer.
	dir, ids = reportFolder(t, nil)
	p := filepath.Join(dir, "platform", ids[0]+".json")
	b, err := os.ReadFile(p)
	must(t, err)
	must(t, os.WriteFile(p, []byte(strings.Replace(string(b), `"checkId"`, `"extra_field": 1, "checkId"`, 1)), 0o600))
	code, _, stderr = runUpload(t, r, dir)
	if code != exitUploadFailed || len(r.Bodies()) != 0 || !strings.Contains(stderr, ids[0]+": platform/"+ids[0]+".json: ") || !strings.Contains(stderr, "extra_field") {
		t.Fatalf("schema-invalid file: exit %d, %d requests: %s", code, len(r.Bodies()), stderr)
	}
	t.Log(stderr)
}

func TestUploadDryRun(t *testing.T) {
	r := receiver(t)
	t.Setenv(upload.TokenEnv, "") // not needed to look
	dir, platformIDs := reportFolder(t, nil)
	code, stdout, stderr := runUpload(t, r, dir, "--dry-run", "--with-markdown")
	if code != exitOK || len(r.Bodies()) != 0 {
		t.Fatalf("exit %d, %d requests: %s", code, len(r.Bodies()), stderr)
	}
	for _, want := range []string{r.URL + "/rpc/checkup_report_file_post", "platform/H002.json", "check H002", "md/A002.md", "type md", fmt.Sprintf("%d files to send", 2*len(platformIDs))} {
		if !strings.Contains(stdout, want) {
			t.Errorf("dry run does not show %q:\n%s", want, stdout)
		}
	}
	if !regexp.MustCompile(`platform/A002\.json +check A002 +type json +\d+ bytes`).MatchString(stdout) {
		t.Errorf("no size:\n%s", stdout)
	}
	if _, err := os.Stat(filepath.Join(dir, upload.StateFile)); err == nil {
		t.Error("a dry run wrote upload.json")
	}
}

// bodiesClean: no request body holds a canary or the token outside its access_token
// field, and the access-token header holds nothing but the token.
func bodiesClean(t *testing.T, r *uploadtest.Receiver, leak *regexp.Regexp) {
	t.Helper()
	if len(r.Files()) == 0 {
		t.Fatal("nothing received: the test would not notice a leak")
	}
	for i, b := range r.Bodies() {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("body %d: %v", i, err)
		}
		if m["access_token"] != testToken {
			t.Errorf("body %d: access_token %v", i, m["access_token"])
		}
		delete(m, "access_token")
		rest, _ := json.Marshal(m)
		if strings.Contains(string(rest), testToken) {
			t.Errorf("body %d holds the token outside access_token", i)
		}
		for _, c := range leak.FindAllString(string(rest), -1) {
			t.Errorf("body %d (%v) leaks %s", i, m["filename"], c)
		}
	}
	for _, h := range r.Headers() {
		if h != testToken {
			t.Errorf("access-token header %q", h)
		}
	}
}

// TestUploadCanaries extends the canary test to uploads: a real run over planted
// secrets and data, its platform files and Markdown uploaded; nothing the receiver
// got holds a canary, and the token is only in the auth fields. With --anonymize no
// real object name reaches the receiver.
func TestUploadCanaries(t *testing.T) {
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{
		"archive_mode":     "on",
		"archive_command":  "PGPASSWORD=CANARYSET_archive /bin/true %p",
		"primary_conninfo": "host=10.1.2.3 user=rep password=CANARYSET_conninfo",
		"restore_command":  "curl -u bob:CANARYSET_restore https://backup.invalid/%f -o %p",
		"app.conf_key":     "CANARYSET_conffile",
	}})
	cl.MustExec(t, "postgres", fixture(t, "canary.sql"))
	for _, stmt := range strings.Split(fixture(t, "anonymize.sql"), ";\n") {
		if strings.TrimSpace(stmt) != "" && !strings.HasPrefix(strings.TrimSpace(stmt), "--") {
			cl.MustExec(t, "postgres", stmt)
		}
	}
	cl.MustExec(t, "zeta_db", fixture(t, "anonymize_db.sql"))
	for _, mode := range []string{"normalized", "anonymize"} {
		t.Run(mode, func(t *testing.T) {
			r := receiver(t)
			out := t.TempDir()
			args := []string{"run", "-q", "--out", out, "--format", "json,md,platform"}
			leak := canaryRE
			if mode == "anonymize" {
				args = append(args, "--anonymize")
				leak = regexp.MustCompile(canaryRE.String() + `|zeta_[a-z_]+`)
			}
			code, stdout, stderr := runCLI(t, append(args, cl.ConnString("postgres"))...)
			if code != exitOK && code != exitCheckErrors {
				t.Fatalf("run: exit %d: %s", code, stderr)
			}
			dir := strings.TrimSpace(stdout)
			code, stdout, stderr = runUpload(t, r, dir, "--with-markdown")
			if code != exitOK {
				t.Fatalf("upload: exit %d\n%s\n%s", code, stdout, stderr)
			}
			bodiesClean(t, r, leak)
			got := map[string]bool{}
			for _, f := range r.Files() {
				got[f.Type] = true
				if mode == "normalized" && strings.Contains(f.Data, "zeta_") {
					got["names"] = true
				}
			}
			if !got["json"] || !got["md"] {
				t.Errorf("received types %v, want json and md", got)
			}
			if mode == "normalized" && !got["names"] {
				t.Error("no object name of the fixture reached the receiver without --anonymize: the anonymize case would not notice a leak")
			}
		})
	}
}
