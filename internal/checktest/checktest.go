// Package checktest runs one check against a real test cluster through the same runner
// the CLI uses, for the checks' integration tests.
package checktest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/pgtest"
	"github.com/pgcheckup/pgcheckup/internal/runner"
	"github.com/pgcheckup/pgcheckup/internal/session"
	"github.com/pgcheckup/pgcheckup/report"
)

// Options choose how the check is run.
type Options struct {
	DB   string // database; default "postgres"
	Role string // role to connect as; default the superuser
	Host checks.HostFacts
	Now  time.Time // default time.Now()
	// Sanitize defaults to runner.Identity.
	Sanitize     func(*checks.Outcome) error
	PreciseBloat bool
	// EmptySearchPath runs the check in a session whose search_path is empty, which
	// proves that it names nothing outside pg_catalog without qualifying it.
	EmptySearchPath bool
}

// Result is one check's result on one node.
type Result struct {
	report.Result
	Findings []checks.Finding
	Node     checks.Node
}

// Run runs c on cl with opts, exactly as pgcheckup would.
func Run(t testing.TB, cl *pgtest.Cluster, c checks.Check, opts Options) Result {
	t.Helper()
	ctx := context.Background()
	if opts.DB == "" {
		opts.DB = "postgres"
	}
	if opts.Role == "" {
		opts.Role = pgtest.Superuser
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Sanitize == nil {
		opts.Sanitize = runner.Identity
	}
	cfg, err := pgx.ParseConfig(cl.ConnStringAs(opts.Role, opts.DB))
	if err != nil {
		t.Fatal(err)
	}
	s, err := session.Connect(ctx, cfg, session.Options{StatementTimeout: 30 * time.Second, LockTimeout: 100 * time.Millisecond, ConnectTimeout: 10 * time.Second,
		EmptySearchPath: opts.EmptySearchPath})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	node, err := s.Identify(ctx, "node1")
	if err != nil {
		t.Fatal(err)
	}
	res, findings := runner.RunOne(ctx, c, runner.Node{Info: node, DB: s}, runner.Options{
		Host: opts.Host, Now: opts.Now, Sanitize: opts.Sanitize, PreciseBloat: opts.PreciseBloat,
	})
	return Result{Result: res, Findings: findings, Node: node}
}

// Decode unmarshals the result's data into v (a pointer to the check's Data type).
func (r Result) Decode(t testing.TB, v any) {
	t.Helper()
	if len(r.Data) == 0 {
		t.Fatalf("no data (status %s: %s)", r.Status, r.Reason)
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("decode data: %v", err)
	}
}

// WithCode returns the findings whose code is code.
func (r Result) WithCode(code string) []checks.Finding {
	var out []checks.Finding
	for _, f := range r.Findings {
		if f.Code == code {
			out = append(out, f)
		}
	}
	return out
}

// MustStatus fails t unless the result has status s.
func (r Result) MustStatus(t testing.TB, s checks.Status) {
	t.Helper()
	if r.Status != s {
		t.Fatalf("status %s (%s %s), want %s", r.Status, r.Reason, r.Hint, s)
	}
}
