package report

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// browser starts a headless Chromium for a test, or skips it when none is installed
// (scripts/deps.sh installs one; PGCHECKUP_REQUIRE_BROWSER=1 or PGCHECKUP_REQUIRE_PG=1,
// as on CI, turns the skip into a failure).
func browser(t *testing.T) context.Context {
	t.Helper()
	ctx, stop, err := NewBrowser(context.Background())
	if err != nil {
		if os.Getenv("PGCHECKUP_REQUIRE_BROWSER") == "1" || os.Getenv("PGCHECKUP_REQUIRE_PG") == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	t.Cleanup(stop)
	return ctx
}

// demoPage renders the committed demo report (samples/demo/report.json) to report.html
// in a temporary folder: offline and fast, and the page the demo writes.
func demoPage(t *testing.T) (string, *Report) {
	t.Helper()
	r := sample(t)
	rd, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := writeHTMLFile(rd, dir, "report.html", r); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "report.html"), r
}

// eval runs JavaScript in the page and decodes its value into T.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// load opens the page in the browser's tab with the given viewport. One tab for all:
// headless Chromium paints only the tab in front, so a screenshot of another waits forever.
func load(t *testing.T, ctx context.Context, page string, w, h int64, js bool) context.Context {
	t.Helper()
	u, err := FileURL(page)
	if err != nil {
		t.Fatal(err)
	}
	steps := []chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(w, h),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !js})
			return err
		})}
	steps = append(steps, chromedp.Navigate(u))
	tctx, tcancel := context.WithTimeout(ctx, 3*time.Minute)
	defer tcancel()
	if err := chromedp.Do(tctx, steps...); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// jsonCounts counts report.json's findings by severity as the issue defines a finding:
// the same finding on several nodes is one, and a finding stands for Count objects (at
// least one). Computed from the raw JSON, apart from the report package's own code.
func jsonCounts(t *testing.T) map[string]int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "samples", "demo", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Checks []struct {
			Findings []map[string]any `json:"findings"`
		} `json:"checks"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, c := range raw.Checks {
		seen := map[string]bool{}
		for _, f := range c.Findings {
			delete(f, "node")
			key, _ := json.Marshal(f) // map keys marshal sorted
			if seen[string(key)] {
				continue
			}
			seen[string(key)] = true
			n := 1
			if c, ok := f["count"].(float64); ok && c > 1 {
				n = int(c)
			}
			out[f["severity"].(string)] += n
		}
	}
	return out
}

var screenshots = flag.Bool("screenshots", false, "write samples/screenshot-1400.png and -400.png")

var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// TestHTMLInBrowser loads the demo report in headless Chromium at 1400x900 and 400x800
// and checks what the DBA sees (issue 19). It logs the page height and the PDF's pages.
func TestHTMLInBrowser(t *testing.T) {
	bctx := browser(t)
	page, r := demoPage(t)
	shots := t.TempDir()
	if *screenshots {
		shots = filepath.Join("..", "samples")
	}

	screenshot := func(t *testing.T, ctx context.Context, name string) {
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("1400", func(t *testing.T) {
		ctx := load(t, bctx, page, 1400, 900, true)
		screenshot(t, ctx, "screenshot-1400.png")
		// The first P1 finding's conclusion, above the fold.
		var first FindingRef
		for _, f := range r.Findings() {
			if f.Severity.String() == "P1" {
				first = f
				break
			}
		}
		if first.CheckID == "" {
			t.Fatal("the demo report has no P1 finding: the test tests nothing")
		}
		type box struct {
			Top, Bottom float64
			Check, Text string
		}
		b := eval[box](t, ctx, `(function () {
			var li = document.querySelector("ol.top li[data-sev=P1]"), c = li && li.querySelector(".concl");
			if (!c) { return {}; }
			var r = c.getBoundingClientRect();
			return {Top: r.top + scrollY, Bottom: r.bottom + scrollY, Check: li.querySelector("a").textContent, Text: c.textContent};
		})()`)
		if b.Check != first.CheckID || b.Bottom <= 0 || b.Bottom > 900 {
			t.Errorf("first P1 conclusion: %+v, want %s's within the first 900 px", b, first.CheckID)
		}
		// One set of numbers: the summary table, the overview, the chart and report.json.
		type counts map[string]int
		summary := eval[counts](t, ctx, `(function () {
			var e = document.getElementById("summary").nextElementSibling, out = {};
			var t = e.tagName === "TABLE" ? e : e.querySelector("table");
			var head = t.querySelectorAll("thead th"), cells = t.querySelectorAll("tbody tr:first-child td");
			for (var i = 0; i < 4; i++) { out[head[i].textContent.split(" ")[0]] = +cells[i].textContent; }
			return out;
		})()`)
		overview := eval[counts](t, ctx, `(function () {
			var out = {};
			document.querySelectorAll(".counts .count").forEach(function (a) { out[a.className.split(" ")[1]] = +a.querySelector("b").textContent; });
			return out;
		})()`)
		chart := eval[counts](t, ctx, `(function () {
			var out = {}, o = echarts.getInstanceByDom(document.getElementById("chart-findings")).getOption();
			o.series.forEach(function (s) { out[s.name] = s.data.reduce(function (a, d) { return a + (d.value === undefined ? d : d.value); }, 0); });
			return out;
		})()`)
		want := jsonCounts(t)
		for _, s := range []string{"P1", "P2", "P3", "info"} {
			if summary[s] != want[s] || overview[s] != want[s] || chart[s] != want[s] {
				t.Errorf("%s: summary %d, overview %d, chart %d, report.json %d", s, summary[s], overview[s], chart[s], want[s])
			}
		}
		// No table cell breaks inside an identifier or SQL: each code span in a cell is one line.
		broken := eval[[]string](t, ctx, `(function () {
			document.querySelectorAll("details").forEach(function (d) { d.open = true; });
			document.querySelectorAll(".more-toggle").forEach(function (c) { c.checked = true; });
			// Each word (between spaces) of a code span in a cell must sit on one line.
			var out = [];
			document.querySelectorAll("td code").forEach(function (c) {
				var w = document.createTreeWalker(c, NodeFilter.SHOW_TEXT), n;
				while ((n = w.nextNode())) {
					var re = /\S+/g, m;
					while ((m = re.exec(n.data))) {
						var r = document.createRange();
						r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
						if (r.getClientRects().length > 1 && out.length < 5) { out.push(m[0] + " in " + c.textContent.slice(0, 80)); }
					}
				}
			});
			return out;
		})()`)
		if len(broken) > 0 {
			t.Errorf("code in table cells broken across lines: %q", broken)
		}
		// The search box filters findings.
		type filtered struct{ All, Shown, Wrong int }
		search := func(q string) filtered {
			return eval[filtered](t, ctx, fmt.Sprintf(`(function () {
				var q = document.getElementById("q"); q.value = %q; q.dispatchEvent(new Event("input"));
				var all = document.querySelectorAll("tr.finding"), shown = 0, wrong = 0;
				all.forEach(function (tr) {
					if (tr.offsetParent === null) { return; }
					shown++;
					if (tr.textContent.toLowerCase().indexOf(q.value.toLowerCase()) < 0) { wrong++; }
				});
				return {All: all.length, Shown: shown, Wrong: wrong};
			})()`, q))
		}
		if f := search("orders_id_seq"); f.Shown == 0 || f.Shown >= f.All || f.Wrong > 0 {
			t.Errorf("search for orders_id_seq: %+v", f)
		}
		if f := search(""); f.Shown != f.All || f.All != len(r.Findings()) {
			t.Errorf("empty search: %+v, want all %d findings", f, len(r.Findings()))
		}
		// A long table sorts by a column, and still shows only its top rows.
		type sorted struct{ Rows, Shown, Unsorted int }
		for _, dir := range []int{1, -1} {
			got := eval[sorted](t, ctx, fmt.Sprintf(`(function () {
				var t = document.querySelector(".tbl.long table");
				document.querySelectorAll(".more-toggle").forEach(function (c) { c.checked = false; });
				t.querySelector("thead th").click();
				var v = Array.prototype.map.call(t.tBodies[0].rows, function (r) { return r.cells[0].textContent.trim().toLowerCase(); });
				var bad = 0, shown = 0;
				for (var i = 1; i < v.length; i++) { if ((v[i - 1] > v[i] ? 1 : v[i - 1] < v[i] ? -1 : 0) * %d > 0) { bad++; } }
				Array.prototype.forEach.call(t.tBodies[0].rows, function (r) { if (r.offsetParent !== null) { shown++; } });
				return {Rows: v.length, Shown: shown, Unsorted: bad};
			})()`, dir))
			if got.Rows <= tableLong || got.Shown != tableTop || got.Unsorted > 0 {
				t.Errorf("sorting a long table (direction %d): %+v, want %d rows shown, in order", dir, got, tableTop)
			}
		}
		// The page with every check closed, and the PDF.
		height := eval[float64](t, ctx, `(function () {
			document.querySelectorAll("details").forEach(function (d) { d.open = false; });
			document.querySelectorAll(".more-toggle").forEach(function (c) { c.checked = false; });
			return document.documentElement.scrollHeight;
		})()`)
		t.Logf("height at 1400 px with every check closed: %.0f px (P1/P2 checks open: see below)", height)
		if height >= 15000 {
			t.Errorf("page is %.0f px tall at 1400 px with checks closed, want < 15,000", height)
		}
		open := eval[float64](t, ctx, `(function () {
			document.querySelectorAll("details.check").forEach(function (d) { d.open = +d.getAttribute("data-rank") >= 3; });
			return document.documentElement.scrollHeight;
		})()`)
		t.Logf("height at 1400 px as loaded (P1/P2 checks open): %.0f px", open)
	})

	t.Run("400", func(t *testing.T) {
		ctx := load(t, bctx, page, 400, 800, true)
		screenshot(t, ctx, "screenshot-400.png")
		// Nothing wider than the viewport, except inside a box that scrolls (a table's).
		wide := eval[[]string](t, ctx, `(function () {
			var out = [], vw = document.documentElement.clientWidth;
			if (document.documentElement.scrollWidth > vw) { out.push("page scrolls sideways: " + document.documentElement.scrollWidth); }
			function inScrollBox(e) {
				for (e = e.parentElement; e; e = e.parentElement) {
					var o = getComputedStyle(e).overflowX;
					if (o === "auto" || o === "scroll" || o === "hidden") { return true; }
				}
				return false;
			}
			document.querySelectorAll("body *").forEach(function (e) {
				var r = e.getBoundingClientRect();
				if (r.width > 0 && (r.right > vw + 0.5 || r.left < -0.5) && !inScrollBox(e) && out.length < 5) {
					out.push(e.tagName + "." + e.className + " " + Math.round(r.left) + ".." + Math.round(r.right) + ": " + e.textContent.slice(0, 60));
				}
			});
			return out;
		})()`)
		if len(wide) > 0 {
			t.Errorf("wider than the 400 px viewport: %q", wide)
		}
	})

	t.Run("no JavaScript", func(t *testing.T) {
		ctx := load(t, bctx, page, 1400, 900, false)
		type state struct {
			JS             bool
			Rows, Shown    int
			ChecksReadable bool
		}
		st := eval[state](t, ctx, `(function () {
			var rows = document.querySelectorAll("tr.finding"), shown = 0;
			rows.forEach(function (tr) { if (tr.offsetParent !== null) { shown++; } });
			return {JS: document.documentElement.classList.contains("js"), Rows: rows.length, Shown: shown,
				ChecksReadable: document.querySelectorAll("details.check > summary").length > 0};
		})()`)
		if st.JS || st.Rows != len(r.Findings()) || st.Shown != st.Rows || !st.ChecksReadable {
			t.Errorf("with JavaScript off: %+v, want the page script not run and all %d findings shown", st, len(r.Findings()))
		}
	})

	t.Run("pdf", func(t *testing.T) {
		start := time.Now()
		pdf, err := printPDF(bctx, page)
		if err != nil {
			t.Fatal(err)
		}
		pages := len(pdfPage.FindAll(pdf, -1))
		t.Logf("PDF (A4): %d pages, %d bytes, printed in %s", pages, len(pdf), time.Since(start).Round(time.Second))
		if pages == 0 || pages >= 30 {
			t.Errorf("PDF has %d pages, want 1 to 29", pages)
		}
	})
}

// TestPDFWithoutChromium: with no browser on PATH, --format pdf fails before writing
// anything, and the error says what to install.
func TestPDFWithoutChromium(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv(ChromiumEnv, "")
	dir := t.TempDir()
	err := WriteRendered(dir, sample(t), map[string]bool{FormatPDF: true})
	if err == nil || !strings.Contains(err.Error(), "apt-get install -y --no-install-recommends chromium") {
		t.Fatalf("got %v, want the error to name the Debian package", err)
	}
	if got := tree(t, dir); len(got) != 1 { // dir itself
		t.Errorf("wrote %q", got)
	}
}
