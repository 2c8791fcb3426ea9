// Package g005 reviews the I/O settings: the background writer, write flushing,
// prefetching (effective_io_concurrency and maintenance_io_concurrency) and, on 18, the
// asynchronous I/O method.
package g005

import (
	"context"
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

var settingsSQL = pgsettings.SQL("G005")

// names are the settings G005 reads, in report order. maintenance_io_concurrency exists
// from 13, io_combine_limit from 17, io_method and the other io_* from 18.
// random_page_cost tells whether the server was tuned for SSDs.
var names = []string{
	"bgwriter_delay", "bgwriter_lru_maxpages", "bgwriter_lru_multiplier", "bgwriter_flush_after",
	"backend_flush_after", "checkpoint_flush_after", "effective_io_concurrency", "maintenance_io_concurrency",
	"io_method", "io_workers", "io_combine_limit", "io_max_combine_limit", "io_max_concurrency", "random_page_cost",
}

// Check is G005.
type Check struct{ cfg Config }

// Config holds G005's thresholds.
type Config struct {
	// SSDRandomPageCost: random_page_cost at or below it means the server was tuned for
	// SSDs; then effective_io_concurrency at or below MaxHDDIOConcurrency is P3.
	SSDRandomPageCost   float64 `toml:"ssd_random_page_cost"`
	MaxHDDIOConcurrency float64 `toml:"max_hdd_io_concurrency"`
	// SuggestedIOConcurrency is the value recommended for SSDs.
	SuggestedIOConcurrency int `toml:"suggested_io_concurrency"`
}

// New returns G005 with its defaults.
func New() *Check {
	return &Check{cfg: Config{SSDRandomPageCost: 2, MaxHDDIOConcurrency: 1, SuggestedIOConcurrency: 200}}
}

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "G005", Title: "I/O and background writer settings", Scope: checks.Cluster, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "settings", SQL: settingsSQL}}
}

// Data is what G005 reports.
type Data struct {
	Settings []pgsettings.Converted `json:"settings"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	list, err := pgsettings.ReadConverted(ctx, t.DB, settingsSQL, names)
	if err != nil {
		return nil, err
	}
	d := Data{Settings: list}
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	s := pgsettings.NewIndex(d.Settings)
	maxPages, okP := s.Float("bgwriter_lru_maxpages")
	mult, okM := s.Float("bgwriter_lru_multiplier")
	if okP && okM && (maxPages == 0 || mult == 0) {
		which := "`bgwriter_lru_maxpages` is 0"
		if maxPages != 0 {
			which = "`bgwriter_lru_multiplier` is 0"
		}
		out = append(out, checks.Finding{Code: "G005/bgwriter-disabled", Severity: checks.P3,
			Conclusion: which + ": the background writer cleans no buffers. Backends that need a free buffer write dirty " +
				"pages themselves, which shows as latency on queries, and checkpoints write everything else.",
			Recommendation: "`ALTER SYSTEM RESET bgwriter_lru_maxpages; ALTER SYSTEM RESET bgwriter_lru_multiplier;` then " +
				"`SELECT pg_catalog.pg_reload_conf();` (defaults 100 and 2.0).",
			Objects: []checks.Name{"bgwriter_lru_maxpages", "bgwriter_lru_multiplier"}})
	}
	var zero []string
	var zeroNames []checks.Name
	for _, n := range []string{"effective_io_concurrency", "maintenance_io_concurrency"} {
		if v, ok := s.Float(n); ok && v == 0 {
			zero = append(zero, checks.Code(n))
			zeroNames = append(zeroNames, checks.Name(n))
		}
	}
	if len(zero) > 0 {
		out = append(out, checks.Finding{Code: "G005/prefetch-disabled", Severity: checks.P3,
			Conclusion: strings.Join(zero, " and ") + " set to 0: no read-ahead is issued (bitmap heap scans; from 17 also " +
				"the read streams of sequential scans and VACUUM), so every read waits for the disk in turn.",
			Recommendation: "`ALTER SYSTEM RESET ...` for each, then `SELECT pg_catalog.pg_reload_conf();`, or set them to the " +
				"number of concurrent I/Os the storage handles well (hundreds for SSDs).",
			Objects: zeroNames})
	}
	rpc, okR := s.Float("random_page_cost")
	eic, okE := s.Float("effective_io_concurrency")
	if okR && okE && rpc <= cfg.SSDRandomPageCost && eic > 0 && eic <= cfg.MaxHDDIOConcurrency {
		out = append(out, checks.Finding{Code: "G005/io-concurrency-low", Severity: checks.P3,
			Conclusion: fmt.Sprintf("`random_page_cost` is %g, so the planner was told storage is SSD-class, but "+
				"`effective_io_concurrency` is %g, a value for a single spinning disk: bitmap heap scans prefetch "+
				"(almost) nothing.", rpc, eic),
			Recommendation: fmt.Sprintf("`ALTER SYSTEM SET effective_io_concurrency = %d; SELECT pg_catalog.pg_reload_conf();` "+
				"(also `maintenance_io_concurrency` on 13+, and per tablespace with `ALTER TABLESPACE ... SET`).", cfg.SuggestedIOConcurrency),
			Objects: []checks.Name{"effective_io_concurrency"}})
	}
	if r, ok := s["io_method"]; ok && r.Value == "sync" {
		out = append(out, checks.Finding{Code: "G005/io-method-sync", Severity: checks.Info,
			Conclusion: "`io_method` is `sync`: asynchronous I/O of PostgreSQL 18 is off and reads are issued one by one " +
				"as in 17. Useful for diagnosis, slower for scans on most storage.",
			Recommendation: "`ALTER SYSTEM SET io_method = 'worker';` (the default; `io_uring` on Linux builds that support it), then restart.",
			Objects:        []checks.Name{"io_method"}})
	}
	return out
}

const doc = `Reads the background writer (` + "`bgwriter_delay`, `bgwriter_lru_maxpages`," + `
` + "`bgwriter_lru_multiplier`, `bgwriter_flush_after`" + `), write flushing (` + "`backend_flush_after`," + `
` + "`checkpoint_flush_after`" + `), prefetching (` + "`effective_io_concurrency`" + `, ` + "`maintenance_io_concurrency`" + `
on 13+) and asynchronous I/O (` + "`io_method`, `io_workers`, `io_max_concurrency`," + `
` + "`io_max_combine_limit`" + ` on 18, ` + "`io_combine_limit`" + ` on 17+) from ` + "`pg_settings`" + `, with ` + "`random_page_cost`" + ` to tell whether the
server was tuned for SSDs. Defaults differ by major: ` + "`effective_io_concurrency`" + ` is 1 up to 17 and
16 on 18, ` + "`maintenance_io_concurrency`" + ` 10 and 16; ` + "`bgwriter_flush_after`" + ` is 512kB on Linux
and 0 elsewhere (the Default column shows the running server's).

- **P3** ` + "`G005/bgwriter-disabled`" + `: ` + "`bgwriter_lru_maxpages`" + ` or ` + "`bgwriter_lru_multiplier`" + ` is 0;
  backends then write dirty buffers themselves (see the ` + "`buffers_backend`" + ` / ` + "`pg_stat_io`" + `
  counters).
- **P3** ` + "`G005/prefetch-disabled`" + `: ` + "`effective_io_concurrency`" + ` or ` + "`maintenance_io_concurrency`" + ` is 0.
- **P3** ` + "`G005/io-concurrency-low`" + `: ` + "`random_page_cost`" + ` at or below ` + "`ssd_random_page_cost`" + ` (2,
  i.e. tuned for SSDs) while ` + "`effective_io_concurrency`" + ` is at most ` + "`max_hdd_io_concurrency`" + ` (1);
  the suggestion is ` + "`suggested_io_concurrency`" + ` (200, common for SSDs).
- **info** ` + "`G005/io-method-sync`" + ` (18+): asynchronous I/O switched off.

Other values are shown for reference; their right values depend on the storage and the
workload, which SQL cannot see.`
