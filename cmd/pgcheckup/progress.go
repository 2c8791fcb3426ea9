package main

import (
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

type progress interface {
	Add(int) error
	Finish() error
}

// progressBar is the pipeline's progress: a bar on a terminal, debug log lines always.
type progressBar struct {
	w     io.Writer
	quiet bool
	log   *slog.Logger
	bar   progress
}

func (p *progressBar) Start(steps int) { p.bar = newProgress(p.w, steps, p.quiet) }

func (p *progressBar) Step(checkID, node string) {
	p.bar.Add(1)
	p.log.Debug("check done", "check", checkID, "node", node)
}

// Window shows the workload window being waited out.
func (p *progressBar) Window(node string, until time.Time) {
	if d, ok := p.bar.(interface{ Describe(string) }); ok {
		d.Describe("window until " + until.Format(time.TimeOnly) + " (Ctrl-C ends it)")
	}
	p.log.Debug("waiting out the window", "node", node, "until", until)
}

func (p *progressBar) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}

type noProgress struct{}

func (noProgress) Add(int) error { return nil }
func (noProgress) Finish() error { return nil }

// newProgress shows a bar only when stderr is a terminal: a cron run or a pipe gets none.
func newProgress(w io.Writer, total int, quiet bool) progress {
	f, ok := w.(*os.File)
	if quiet || !ok || !term.IsTerminal(int(f.Fd())) {
		return noProgress{}
	}
	return progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription("checks"),
		progressbar.OptionClearOnFinish(), progressbar.OptionShowCount())
}
