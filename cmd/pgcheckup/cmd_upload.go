package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/pgcheckup/pgcheckup/checks/all"
	"github.com/pgcheckup/pgcheckup/internal/privacy"
	"github.com/pgcheckup/pgcheckup/internal/upload"
	"github.com/pgcheckup/pgcheckup/platform"
	"github.com/pgcheckup/pgcheckup/report"
)

// exitUploadFailed: the report is written (or was given), but the upload failed or
// delivered only part of the files. Never 0 when a file was not delivered.
const exitUploadFailed = 6

// apiURLEnv names the platform API in the environment; the token is upload.TokenEnv.
const apiURLEnv = "PGCHECKUP_API_URL"

// uploadOptions are the upload flags, and the config file's keys (which `run --upload`
// fills from its own Config).
type uploadOptions struct {
	APIURL       string // --api-url; before PGCHECKUP_API_URL and api_url
	Project      string // --project; empty: the report's project
	CAFile       string
	InsecureHTTP bool
	WithMarkdown bool
	DryRun       bool
	Timeout      time.Duration // per request; 0: 60s

	ConfigAPIURL string // api_url of the config file
	TokenFile    string // token_file of the config file
}

// uploadRetry is how requests are retried; tests shorten the waits.
var uploadRetry = upload.DefaultRetry

// validatePlatform checks a platform file against its schema before it is sent: an
// invalid file is never sent (nor anything else of the report).
var validatePlatform = platform.Validate

func cmdUpload(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := newFlagSet("upload")
	var o uploadOptions
	var config string
	fs.StringVar(&o.APIURL, "api-url", "", "platform API `URL` (default $"+apiURLEnv+", config api_url, or "+upload.DefaultAPIURL+")")
	fs.StringVar(&o.Project, "project", "", "platform project `name` (default: the report's project)")
	fs.StringVar(&o.CAFile, "ca-file", "", "PEM `file` of certificates to trust besides the system's")
	fs.BoolVar(&o.InsecureHTTP, "insecure-http", false, "allow a plain http API URL on localhost, 127.0.0.1 or ::1 (a test receiver)")
	fs.BoolVar(&o.WithMarkdown, "with-markdown", false, "also send md/<ID>.md of each check (type md)")
	fs.BoolVar(&o.DryRun, "dry-run", false, "print the URL, files, sizes and check ids that would be sent; send nothing")
	fs.Var(durationFlag{&o.Timeout}, "request-timeout", "time limit of one request, a `duration` (default 60s)")
	fs.StringVar(&config, "config", "", "TOML configuration `file` (api_url, token_file)")
	// The folder may come before or after the flags.
	var dir string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		dir, args = args[0], args[1:]
	}
	if done, code, err := parseCommand(fs, args, stdout, "Usage: pgcheckup upload [OPTION]... REPORT_DIR\n\n"+
		"The token comes from $"+upload.TokenEnv+" or the config file's token_file (mode 0600), never from a flag."); done {
		return code, err
	}
	if dir == "" && fs.NArg() == 1 {
		dir = fs.Arg(0)
	} else if dir == "" || fs.NArg() > 0 {
		return exitUsage, cfgErr("usage: pgcheckup upload [--api-url URL] [--project NAME] [--ca-file FILE] [--insecure-http] [--with-markdown] [--dry-run] [--config FILE] REPORT_DIR")
	}
	if config != "" {
		cfg := defaults()
		if err := loadFile(config, &cfg); err != nil {
			return exitUsage, err
		}
		// Unknown keys are errors here as in run: a misspelt api_url must not send the
		// report to the default platform.
		if err := cfg.decodeChecks(all.Checks()); err != nil {
			return exitUsage, err
		}
		o.ConfigAPIURL, o.TokenFile = cfg.APIURL, cfg.TokenFile
	}
	return uploadDir(ctx, o, dir, stdout, stderr), nil
}

// uploadDir uploads the report folder dir and returns the exit code: 0 when every file
// is on the platform (or for a dry run), exitUsage when it refused before sending
// anything, exitUploadFailed when a file was not delivered. It prints its own errors.
// `run --upload` calls it with the folder it just wrote.
func uploadDir(ctx context.Context, o uploadOptions, dir string, stdout, stderr io.Writer) int {
	api := o.APIURL
	for _, v := range []string{os.Getenv(apiURLEnv), o.ConfigAPIURL, upload.DefaultAPIURL} {
		if api == "" {
			api = v
		}
	}
	var token string
	if !o.DryRun {
		var err error
		if token, err = upload.LoadToken(os.Getenv, o.TokenFile); err != nil {
			fmt.Fprintf(stderr, "pgcheckup: upload: %v\n", err)
			return exitUsage
		}
	}
	sum, err := upload.Upload(ctx, dir, upload.Options{
		APIURL: api, InsecureHTTP: o.InsecureHTTP, CAFile: o.CAFile, Token: token,
		Project: o.Project, WithMarkdown: o.WithMarkdown, DryRun: o.DryRun,
		Timeout: o.Timeout, Retry: uploadRetry, Validate: validatePlatform,
		Stdout: stdout, Log: prefixWriter{stderr},
	})
	var ue upload.UsageError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "pgcheckup: upload: %v\n", err)
		return exitUsage
	case err != nil:
		fmt.Fprintf(stderr, "pgcheckup: upload failed: %v\n", err)
		return exitUploadFailed
	case !sum.Delivered():
		return exitUploadFailed
	}
	return exitOK
}

// prefixWriter puts "pgcheckup: " before each progress line of the uploader.
type prefixWriter struct{ w io.Writer }

func (p prefixWriter) Write(b []byte) (int, error) {
	if _, err := io.WriteString(p.w, "pgcheckup: "); err != nil {
		return 0, err
	}
	return p.w.Write(b)
}

// prepareUpload checks what `run --upload` needs before any check runs, so a missing token
// or a bad URL is found at once and not after a long run, and makes the run write the
// platform files (and the Markdown, with --with-markdown) the upload sends.
func prepareUpload(cfg *Config, o *uploadOptions) error {
	if cfg.Out == "-" {
		return cfgErr("--upload needs a report folder: --out - writes no files to send")
	}
	o.ConfigAPIURL, o.TokenFile = cfg.APIURL, cfg.TokenFile
	api := o.APIURL
	for _, v := range []string{os.Getenv(apiURLEnv), o.ConfigAPIURL, upload.DefaultAPIURL} {
		if api == "" {
			api = v
		}
	}
	if _, err := upload.CheckURL(api, o.InsecureHTTP); err != nil {
		return cfgErr("upload: %v", err)
	}
	if !o.DryRun {
		if _, err := upload.LoadToken(os.Getenv, o.TokenFile); err != nil {
			return cfgErr("upload: %v", err)
		}
	}
	if cfg.QueryText == privacy.QueryRaw {
		return cfgErr("upload: a report with raw query texts is never uploaded (--query-text raw)")
	}
	for _, want := range []string{report.FormatPlatform, "md"} {
		if want == "md" && !o.WithMarkdown {
			continue
		}
		if !slices.Contains(cfg.Format, want) {
			cfg.Format = append(cfg.Format, want)
		}
	}
	return nil
}
