package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/all"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/pipeline"
	"github.com/pgcheckup/pgcheckup/internal/privacy"
	"github.com/pgcheckup/pgcheckup/internal/session"
	"github.com/pgcheckup/pgcheckup/report"
)

// collideNames are object names that are also the report's keys, labels and units.
var collideNames = []string{"name", "type", "state", "rows", "schema", "total_bytes", "size", "high", "unknown"}

// collideWordRE finds any of collideNames standing as a word.
var collideWordRE = regexp.MustCompile(`(?:^|[^A-Za-z0-9_$])(` + strings.Join(collideNames, "|") + `)(?:$|[^A-Za-z0-9_$])`)

func collideCluster(t *testing.T) *pgtest.Cluster {
	cl := pgtest.ForTest(t, pgtest.Options{Settings: map[string]string{"autovacuum": "off"}})
	cl.MustExec(t, "postgres", `CREATE ROLE "rows" SUPERUSER LOGIN`)
	cl.MustExec(t, "postgres", `CREATE DATABASE state OWNER "rows"`)
	cl.MustExec(t, "state", fixture(t, "collide.sql"))
	return cl
}

// TestTypedPrivacy (issue 11): a database whose objects are named like the report's
// keys and labels, reported plain and with --anonymize and a mask over the host: the
// JSON keeps every key path, templates render every cell, no object name is left where
// a name stands, recommendations name real settings, and the host is gone everywhere.
func TestTypedPrivacy(t *testing.T) {
	cl := collideCluster(t)
	// A session with a colliding application name, idle in a transaction.
	idle, err := pgx.Connect(context.Background(), cl.ConnStringAs("rows", "state")+" application_name=unknown")
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close(context.Background())
	if _, err := idle.Exec(context.Background(), "BEGIN; SELECT name FROM schema.rows LIMIT 1"); err != nil {
		t.Fatal(err)
	}
	conn := cl.ConnStringAs("rows", "state")
	cfgFile := filepath.Join(t.TempDir(), "mask.toml")
	os.WriteFile(cfgFile, []byte("[[mask]]\npattern = '127\\.0\\.0\\.1'\nreplacement = 'db-host'\n"), 0o600)

	plainDir, _ := runReport(t, cl, "rows", "state")
	anonDir, _ := runReport(t, cl, "rows", "state", "--anonymize", "--config", cfgFile)
	plain, anon := readReport(t, plainDir), readReport(t, anonDir)

	t.Run("key paths", func(t *testing.T) {
		p, a := keyPaths(t, plain), keyPaths(t, anon)
		for k := range a {
			if !p[k] {
				t.Errorf("anonymized report has a key path the plain one has not: %s", k)
			}
		}
		for k := range p {
			if !a[k] {
				t.Errorf("anonymized report lost the key path %s", k)
			}
		}
	})

	t.Run("every cell rendered", func(t *testing.T) {
		rd, err := report.NewRenderer()
		if err != nil {
			t.Fatal(err)
		}
		for i := range plain.Checks {
			pc, ac := &plain.Checks[i], &anon.Checks[i]
			pm, err1 := rd.CheckMarkdown(plain, pc)
			am, err2 := rd.CheckMarkdown(anon, ac)
			if err1 != nil || err2 != nil {
				t.Fatalf("%s: %v %v", pc.ID, err1, err2)
			}
			if pe, ae := emptyCells(string(pm)), emptyCells(string(am)); ae > pe {
				t.Errorf("%s: %d empty cells anonymized, %d plain\n%s", pc.ID, ae, pe, am)
			}
		}
	})

	t.Run("recommendations name real settings", func(t *testing.T) {
		real := serverSettings(t, cl)
		setRE := regexp.MustCompile(`ALTER SYSTEM SET ([A-Za-z_.]+)`)
		seen := 0
		for _, f := range anon.Findings() {
			for _, m := range setRE.FindAllStringSubmatch(f.Conclusion+" "+f.Recommendation, -1) {
				seen++
				if !real[m[1]] && !strings.Contains(m[1], ".") {
					t.Errorf("%s recommends ALTER SYSTEM SET %s: no such setting", f.Code, m[1])
				}
			}
		}
		if seen == 0 {
			t.Error("no recommendation names a setting; the fixture should cause some (autovacuum = off)")
		}
	})

	t.Run("no host in the log", func(t *testing.T) {
		code, stdout, stderr := runCLI(t, "run", "-v", "--out", t.TempDir(), "--config", cfgFile, conn)
		if code != exitOK && code != exitCheckErrors {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if !strings.Contains(stderr, "db-host") || strings.Contains(stdout+stderr, "127.0.0.1") {
			t.Errorf("the masked host is in the log, or the mask never applied:\n%s", stderr)
		}
	})

	t.Run("no name left and no host in any output", func(t *testing.T) {
		labels := labelValues(t, cl, conn)
		files := outputs(t, anonDir)
		for path, body := range files {
			if strings.Contains(body, "127.0.0.1") {
				t.Errorf("%s shows the masked host", path)
			}
			for _, leak := range nameLeaks(path, body, labels) {
				t.Errorf("%s shows the name %q in %q", filepath.Base(path), leak[0], leak[1])
			}
		}
	})

	t.Run("typed data", func(t *testing.T) {
		for _, leak := range typedLeaks(t, cl, conn) {
			t.Error(leak)
		}
	})
}

// keyPaths lists every key path of the report's JSON, array positions left out.
func keyPaths(t *testing.T, r *report.Report) map[string]bool {
	var b strings.Builder
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal([]byte(b.String()), &v); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	var walk func(string, any)
	walk = func(at string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				out[at+"."+k] = true
				walk(at+"."+k, e)
			}
		case []any:
			for _, e := range x {
				walk(at+"[]", e)
			}
		}
	}
	// Checks are compared by ID: their order is the same, their contents are not.
	for _, c := range v.(map[string]any)["checks"].([]any) {
		walk(c.(map[string]any)["id"].(string), c)
	}
	walk("", map[string]any{"nodes": v.(map[string]any)["nodes"]})
	return out
}

var cellRowRE = regexp.MustCompile(`(?m)^\|(.*)\|\s*$`)

// emptyCells counts the empty cells of a Markdown document's tables.
func emptyCells(md string) int {
	n := 0
	for _, m := range cellRowRE.FindAllStringSubmatch(md, -1) {
		for _, c := range strings.Split(m[1], "|") {
			if strings.TrimSpace(c) == "" {
				n++
			}
		}
	}
	return n
}

func serverSettings(t *testing.T, cl *pgtest.Cluster) map[string]bool {
	c, err := cl.Connect(context.Background(), "postgres")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	rows, _ := c.Query(context.Background(), "SELECT name FROM pg_settings")
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, n := range names {
		out[n] = true
	}
	return out
}

var (
	codeSpanRE = regexp.MustCompile("`[^`\n]+`")
	cellRE     = regexp.MustCompile(`\|[^|\n]*`)
	htmlCodeRE = regexp.MustCompile(`<code>[^<]*</code>`)
	htmlCellRE = regexp.MustCompile(`<td[^>]*>[^<]*</td>`)
	scriptRE   = regexp.MustCompile(`(?s)<script.*?</script>|<style.*?</style>`)
	tagRE      = regexp.MustCompile(`<[^>]*>`)
	jsonStrRE  = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
)

// nameLeaks finds the colliding names where a name would stand in an output: JSON
// string values, Markdown and HTML code spans and table cells. A label the checks
// computed ("high", "unknown") may stand there, but only as the whole value.
func nameLeaks(path, body string, labels map[string]bool) [][2]string {
	staticOnce.Do(loadStatic)
	var spots []string
	switch filepath.Ext(path) {
	case ".json":
		for _, line := range strings.Split(body, "\n") {
			// Values only: a key is followed by a colon.
			if i := strings.Index(line, `": `); i >= 0 && strings.HasPrefix(strings.TrimSpace(line), `"`) {
				line = line[i+3:]
			}
			spots = append(spots, jsonStrRE.FindAllString(line, -1)...)
		}
	case ".html":
		// The page's own scripts and styles are pgcheckup's, not the report's.
		body = scriptRE.ReplaceAllString(body, "")
		spots = append(htmlCodeRE.FindAllString(body, -1), htmlCellRE.FindAllString(body, -1)...)
	default:
		spots = append(codeSpanRE.FindAllString(body, -1), cellRE.FindAllString(body, -1)...)
	}
	var out [][2]string
	for _, s := range spots {
		inner := strings.Trim(tagRE.ReplaceAllString(s, ""), "`|\" ")
		if labels[inner] || findingCodeRE.MatchString(inner) || strings.Contains(staticText, inner) {
			continue
		}
		// A cell may join several labels (sentences a check composed).
		for l := range labels {
			if len(l) >= 20 {
				inner = strings.ReplaceAll(inner, l, "")
			}
		}
		if m := collideWordRE.FindStringSubmatch(inner); m != nil {
			out = append(out, [2]string{m[1], s})
		}
	}
	return out
}

var (
	findingCodeRE = regexp.MustCompile(`^[A-Z][0-9]{3}/[a-z0-9-]+$`)
	staticOnce    sync.Once
	// staticText is what pgcheckup itself writes around the data: templates and the
	// report writers (headers such as "Est. rows", fallbacks such as "unknown").
	staticText string
)

func loadStatic() {
	// check titles are pgcheckup's words ("Workload by statement type")
	for _, c := range all.Checks() {
		staticText += c.Meta().Title + "\n"
	}
	for _, glob := range []string{"../../templates/*.tmpl", "../../report/*.go"} {
		files, _ := filepath.Glob(glob)
		for _, f := range files {
			b, _ := os.ReadFile(f)
			staticText += string(b) + "\n"
		}
	}
}

// anonRun runs every check through the pipeline, as `run --anonymize` does, and
// returns the report with the typed outcomes it was assembled from.
func anonRun(t *testing.T, conn string) *report.Report {
	a, err := privacy.NewAnonymizer([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	san, err := privacy.New(privacy.Policy{Anonymizer: a})
	if err != nil {
		t.Fatal(err)
	}
	pc, err := pgx.ParseConfig(conn)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := pipeline.Run(context.Background(), pipeline.Config{
		Project: "p", Targets: []pipeline.Target{{Conn: pc}}, Checks: all.Checks(), Sanitizer: san,
		Session: session.Options{StatementTimeout: 30 * time.Second, LockTimeout: time.Second, ConnectTimeout: 10 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

var labelType = reflect.TypeFor[checks.Label]()

// labelValues are the labels the checks computed in a run of the same database.
func labelValues(t *testing.T, _ *pgtest.Cluster, conn string) map[string]bool {
	out := map[string]bool{}
	for _, c := range anonRun(t, conn).Checks {
		for _, r := range c.Results {
			if r.Outcome != nil {
				eachString(reflect.ValueOf(r.Outcome.Data), "", func(_ string, typ reflect.Type, s string) {
					if typ == labelType {
						out[s] = true
					}
				})
			}
		}
	}
	return out
}

// typedLeaks walks the typed, sanitized outcomes: every string that came from the
// database (anything but a Label and the name of a server setting) must have lost the
// colliding names, and so must findings.
func typedLeaks(t *testing.T, _ *pgtest.Cluster, conn string) []string {
	var out []string
	rep := anonRun(t, conn)
	for _, c := range rep.Checks {
		for _, r := range c.Results {
			if r.Outcome == nil {
				continue
			}
			eachString(reflect.ValueOf(r.Outcome.Data), c.ID, func(at string, typ reflect.Type, s string) {
				if typ != labelType && !strings.HasSuffix(at, "Setting.Name") && collideWordRE.MatchString(s) {
					out = append(out, fmt.Sprintf("%s: %s (%s) = %q", c.ID, at, typ, s))
				}
			})
		}
		for _, f := range c.Findings {
			if s := f.Conclusion + " " + f.Recommendation + " " + fmt.Sprint(f.Objects); collideWordRE.MatchString(s) {
				out = append(out, fmt.Sprintf("%s: finding %s: %q", c.ID, f.Code, s))
			}
		}
	}
	sort.Strings(out)
	return out
}

// eachString calls fn with every string in v, its path and its type.
func eachString(v reflect.Value, at string, fn func(at string, typ reflect.Type, s string)) {
	if !v.IsValid() {
		return
	}
	switch v.Kind() {
	case reflect.String:
		fn(at, v.Type(), v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			eachString(v.Elem(), at, fn)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if f := v.Type().Field(i); f.IsExported() {
				eachString(v.Field(i), at+"."+v.Type().Name()+"."+f.Name, fn)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			eachString(v.Index(i), at+"[]", fn)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			eachString(iter.Key(), at+"{key}", fn)
			eachString(iter.Value(), at+"{}", fn)
		}
	}
}
