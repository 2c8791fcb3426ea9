// Package k003 lists the statements that take the most time, from pg_stat_statements,
// with their texts normalized: the one check whose data includes query texts.
package k003

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/checks"
)

var (
	//go:embed k003_ext.sql
	extQuery string
	//go:embed k003_v17.sql
	queryV17 string
	//go:embed k003_v18.sql
	queryV18 string
	//go:embed k003_v111.sql
	queryV111 string
)

// Check is K003.
type Check struct{ cfg Config }

// Config holds K003's settings.
type Config struct {
	Limit int `toml:"limit"` // statements listed
	// DominantPercent: one statement taking at least this share of all time is a P3.
	DominantPercent float64 `toml:"dominant_percent"`
}

// New returns K003 with its defaults.
func New() *Check { return &Check{cfg: Config{Limit: 20, DominantPercent: 50}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "K003", Title: "Top statements by total time", Scope: checks.Cluster, Doc: doc,
		Requires: []checks.Requirement{checks.Extension("pg_stat_statements")}, Session: checks.CatalogSession}
}

// Queries implements checks.Check. The statement is chosen by the extension's installed
// version, which can lag behind the server's; the bands below are the usual pairing.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{
		{Name: "k003_ext.sql", SQL: extQuery},
		{Name: "k003_v17.sql (pg_stat_statements < 1.8)", MaxVersion: 130000, SQL: queryV17},
		{Name: "k003_v18.sql (pg_stat_statements 1.8 to 1.10)", MinVersion: 130000, MaxVersion: 170000, SQL: queryV18},
		{Name: "k003_v111.sql (pg_stat_statements 1.11 and newer)", MinVersion: 170000, SQL: queryV111},
	}
}

// Statement is one row of pg_stat_statements.
type Statement struct {
	// QueryID is nil, and Query empty, for another role's statement when the role lacks
	// pg_read_all_stats (Hidden); its times and counts are still shown.
	QueryID      *int64           `json:"queryid"`
	Hidden       bool             `json:"hidden"`
	Database     checks.Name      `json:"database"`
	User         checks.Name      `json:"user"`
	Query        checks.QueryText `json:"query"`
	Calls        int64            `json:"calls"`
	TotalMS      float64          `json:"total_ms"`
	PlanMS       float64          `json:"plan_ms"`
	MeanMS       float64          `json:"mean_ms"`
	Rows         checks.Estimate  `json:"rows"`
	SharedHit    int64            `json:"shared_blks_hit"`
	SharedRead   int64            `json:"shared_blks_read"`
	TempWritten  int64            `json:"temp_blks_written"`
	IOReadMS     float64          `json:"io_read_ms"`
	IOWriteMS    float64          `json:"io_write_ms"`
	SharePercent float64          `json:"share_percent"` // of the total time of all statements
}

// Data is what K003 reports.
type Data struct {
	ExtensionVersion checks.Text `json:"extension_version"`
	TotalMS          float64     `json:"total_ms"`
	Statements       int64       `json:"statements"` // distinct statements tracked
	Hidden           int64       `json:"hidden"`     // of them, other roles' whose text the role may not see
	User             checks.Name `json:"user"`       // the role pgcheckup ran as
	Top              []Statement `json:"top"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	d := Data{User: checks.Name(t.Node.User)}
	var loaded bool
	var schema string
	err := t.DB.QueryRow(ctx, extQuery).Scan(&d.ExtensionVersion, &schema, &loaded)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		// the runner's gate says so first, unless it could not tell
		return &checks.Outcome{Data: d, Skip: &checks.Skip{
			Reason: fmt.Sprintf("extension pg_stat_statements is not installed in database %s", t.Node.Database),
			Hint:   fmt.Sprintf("CREATE EXTENSION pg_stat_statements; (in database %s)", t.Node.Database)}}, nil
	case err != nil:
		return nil, fmt.Errorf("could not tell whether pg_stat_statements is installed: %w", err)
	}
	if !loaded {
		return &checks.Outcome{Data: d, Skip: &checks.Skip{
			Reason: "pg_stat_statements is installed but not loaded (not in shared_preload_libraries)",
			Hint:   "add pg_stat_statements to shared_preload_libraries and restart"}}, nil
	}
	rows, err := t.DB.Query(ctx, checks.InSchema(pick(string(d.ExtensionVersion)), schema), c.cfg.Limit)
	if err != nil {
		return nil, fmt.Errorf("read pg_stat_statements: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var s Statement
		if err := rows.Scan(&s.QueryID, &s.Database, &s.User, &s.Query, &s.Calls, &s.TotalMS, &s.PlanMS,
			&s.Rows, &s.SharedHit, &s.SharedRead, &s.TempWritten, &s.IOReadMS, &s.IOWriteMS, &d.TotalMS, &d.Statements,
			&d.Hidden); err != nil {
			return nil, fmt.Errorf("read pg_stat_statements: %w", err)
		}
		s.Hidden = s.QueryID == nil
		d.Top = append(d.Top, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read pg_stat_statements: %w", err)
	}
	derive(&d)
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg)}, nil
}

// pick chooses the statement for an extension version such as "1.10".
func pick(ext string) string {
	major, minor, _ := strings.Cut(ext, ".")
	ma, _ := strconv.Atoi(major)
	mi, _ := strconv.Atoi(minor)
	switch {
	case ma == 1 && mi < 8:
		return queryV17
	case ma == 1 && mi < 11:
		return queryV18
	}
	return queryV111
}

func derive(d *Data) {
	for i := range d.Top {
		s := &d.Top[i]
		if s.Calls > 0 {
			s.MeanMS = s.TotalMS / float64(s.Calls)
		}
		if d.TotalMS > 0 {
			s.SharePercent = 100 * s.TotalMS / d.TotalMS
		}
	}
}

func analyze(d Data, cfg Config) []checks.Finding {
	var out []checks.Finding
	for _, s := range d.Top {
		if s.SharePercent >= cfg.DominantPercent && d.Statements > 1 {
			out = append(out, checks.Finding{Code: "K003/dominant-statement", Severity: checks.P3,
				Conclusion: fmt.Sprintf("One statement (%s) takes %.0f%% of all statement time (%d calls, mean %.1f ms).",
					ident(s), s.SharePercent, s.Calls, s.MeanMS),
				Recommendation: "Optimizing this statement is the cheapest way to reduce the load: check its plan with EXPLAIN (ANALYZE, BUFFERS) on a copy, and its indexes."})
		}
	}
	if d.Hidden > 0 {
		out = append(out, checks.Finding{Code: "K003/texts-hidden", Severity: checks.Info,
			Conclusion: fmt.Sprintf("%d of %d statements belong to other roles, and role %s may not see their texts and queryids "+
				"(it lacks %s); their times and calls are listed and counted in the totals.",
				d.Hidden, d.Statements, checks.Code(string(d.User)), checks.Code("pg_read_all_stats")),
			Recommendation: "To see them: " + checks.Code("GRANT pg_read_all_stats TO "+checks.QuoteIdent(string(d.User))+";") +
				" (or " + checks.Code("pg_monitor") + ", which includes it)."})
	}
	return out
}

// ident names a statement in a finding.
func ident(s Statement) string {
	if s.QueryID == nil {
		return "another role's, text hidden"
	}
	return fmt.Sprintf("queryid %d", *s.QueryID)
}

const doc = `Lists the statements with the highest total time (execution plus planning) from
` + "`pg_stat_statements`" + `, with calls, mean time, rows, buffer and temp I/O, and each one's share of
all statement time since the statistics were reset.

Query texts are normalized before they reach the report (every literal and comment
removed, utility statements included); a text that cannot be parsed is replaced by a marker.
` + "`--query-text none`" + ` leaves only the queryid. Other users' texts need ` + "`pg_read_all_stats`" + `
(part of ` + "`pg_monitor`" + `). pgcheckup's own statements are left out.

- **P3** one statement takes ` + "`dominant_percent`" + ` (default 50) percent or more of all time.`
