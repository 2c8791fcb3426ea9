package report

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/chromedp/chromedp"
)

// The PDF is report.html printed by a headless Chromium. It is driven over the DevTools
// protocol with chromedp rather than `chromium --print-to-pdf`: the command line gives
// no way to wait for the page's charts, to open the collapsed checks before printing or
// to set the paper, and it reports failures only as an exit status; chromedp returns
// the browser's own error. The browser tests drive Chromium the same way.

// ChromiumEnv names the browser binary to use instead of searching PATH.
const ChromiumEnv = "PGCHECKUP_CHROMIUM"

// chromiumNames are searched on PATH in this order.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// ErrNoChromium is returned when no browser is found for the PDF.
var ErrNoChromium = errors.New("no headless Chromium found to print the PDF: install it (Debian/Ubuntu: apt-get install -y --no-install-recommends chromium) or set " + ChromiumEnv + " to its path")

// FindChromium returns the browser binary: $PGCHECKUP_CHROMIUM, or the first of
// chromiumNames on PATH.
func FindChromium() (string, error) {
	if p := os.Getenv(ChromiumEnv); p != "" {
		if _, err := exec.LookPath(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", ChromiumEnv, p, err)
		}
		return p, nil
	}
	for _, n := range chromiumNames {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", ErrNoChromium
}

// NewBrowser starts a headless Chromium with a fresh profile in a temporary folder,
// no network services and no sandbox (which needs privileges a container lacks).
// Stop it with the returned function, which also removes the profile.
func NewBrowser(ctx context.Context) (context.Context, func(), error) {
	bin, err := FindChromium()
	if err != nil {
		return nil, nil, err
	}
	profile, err := os.MkdirTemp("", "pgcheckup-chromium-")
	if err != nil {
		return nil, nil, err
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), // a container's /dev/shm is small
		chromedp.UserDataDir(profile),
	)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	stop := func() {
		cancelBrowser()
		cancelAlloc()
		os.RemoveAll(profile)
	}
	// Start it now, so a browser that cannot start fails here and not in a later action.
	if err := chromedp.Do(bctx); err != nil {
		stop()
		return nil, nil, fmt.Errorf("start %s: %w", bin, err)
	}
	return bctx, stop, nil
}

// FileURL is the file:// URL of a local path.
func FileURL(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return (&url.URL{Scheme: "file", Path: abs}).String(), nil
}

// PrintPDF prints the HTML file at htmlPath to PDF bytes on A4, as the page opens: the
// overview, the summary, the charts, every finding, and the checks with P1 or P2
// findings open (see the print stylesheet in page.html.tmpl).
func PrintPDF(ctx context.Context, htmlPath string) ([]byte, error) {
	bctx, stop, err := NewBrowser(ctx)
	if err != nil {
		return nil, err
	}
	defer stop()
	return printPDF(bctx, htmlPath)
}

// printPDF prints in the browser of bctx (see NewBrowser).
func printPDF(bctx context.Context, htmlPath string) ([]byte, error) {
	u, err := FileURL(htmlPath)
	if err != nil {
		return nil, err
	}
	tctx, cancel := context.WithTimeout(bctx, 5*time.Minute)
	defer cancel()
	if err := chromedp.Do(tctx, chromedp.Navigate(u)); err != nil {
		return nil, fmt.Errorf("load %s: %w", htmlPath, err)
	}
	pdf, err := chromedp.Run(tctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFMargin(0.4), chromedp.PDFPrintBackground(), chromedp.PDFHeaderTemplate(`<span></span>`),
		chromedp.PDFFooterTemplate(`<div style="font-size:8px;width:100%;text-align:center"><span class="pageNumber"></span> / <span class="totalPages"></span></div>`)))
	if err != nil {
		return nil, fmt.Errorf("print to pdf: %w", err)
	}
	return pdf, nil
}

// writePDFFile renders the HTML into a temporary file, prints it and writes the PDF.
func writePDFFile(rd *Renderer, dir, file string, r *Report) error {
	if _, err := FindChromium(); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "pgcheckup-pdf-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	page := filepath.Join(tmp, "report.html")
	if err := writeHTMLFile(rd, tmp, "report.html", r); err != nil {
		return err
	}
	pdf, err := PrintPDF(context.Background(), page)
	if err != nil {
		return err
	}
	return writeFile(dir, file, func(w *bufio.Writer) error { _, err := w.Write(pdf); return err })
}
