package runner

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pgcheckup/pgcheckup/checks"
)

type fake struct {
	meta checks.Meta
	run  func(ctx context.Context) (*checks.Outcome, error)
}

func (f fake) Meta() checks.Meta       { return f.meta }
func (f fake) Queries() []checks.Query { return nil }
func (f fake) Run(ctx context.Context, _ *checks.Target) (*checks.Outcome, error) {
	return f.run(ctx)
}

func node(v int, standby, super, monitor bool) Node {
	return Node{Info: checks.Node{Name: "n1", VersionNum: v, Version: "x", InRecovery: standby,
		Superuser: super, PGMonitor: monitor, User: "u"}}
}

func ok(context.Context) (*checks.Outcome, error) {
	return &checks.Outcome{Findings: []checks.Finding{{Code: "T/x", Severity: checks.P3}}}, nil
}

func TestRunOneGatesAndFailures(t *testing.T) {
	cases := []struct {
		name   string
		meta   checks.Meta
		node   Node
		run    func(context.Context) (*checks.Outcome, error)
		status checks.Status
		reason string
	}{
		{"runs", checks.Meta{ID: "T001"}, node(170000, false, false, false), ok, checks.StatusFindings, ""},
		{"too old", checks.Meta{ID: "T001", MinVersion: 160000}, node(150004, false, true, true), ok, checks.StatusSkipped, "needs PostgreSQL 16 or newer"},
		{"new enough", checks.Meta{ID: "T001", MinVersion: 160000}, node(160000, false, true, true), ok, checks.StatusFindings, ""},
		{"primary only", checks.Meta{ID: "T001", Requires: []checks.Requirement{checks.NeedPrimary}}, node(170000, true, true, true), ok, checks.StatusSkipped, "only meaningful on a primary"},
		{"standby only", checks.Meta{ID: "T001", Requires: []checks.Requirement{checks.NeedStandby}}, node(170000, false, true, true), ok, checks.StatusSkipped, "only meaningful on a standby"},
		{"needs monitor", checks.Meta{ID: "T001", Requires: []checks.Requirement{checks.NeedPGMonitor}}, node(170000, false, false, false), ok, checks.StatusSkipped, "needs the pg_monitor role"},
		{"needs superuser", checks.Meta{ID: "T001", Requires: []checks.Requirement{checks.NeedSuperuser}}, node(170000, false, false, true), ok, checks.StatusSkipped, "needs a superuser"},
		{"panics", checks.Meta{ID: "T001"}, node(170000, false, true, true),
			func(context.Context) (*checks.Outcome, error) { panic("boom") }, checks.StatusError, "check panicked: boom"},
		{"fails", checks.Meta{ID: "T001"}, node(170000, false, true, true),
			func(context.Context) (*checks.Outcome, error) { return nil, errors.New("broken") }, checks.StatusError, "broken"},
		{"no outcome", checks.Meta{ID: "T001"}, node(170000, false, true, true),
			func(context.Context) (*checks.Outcome, error) { return nil, nil }, checks.StatusError, "no outcome"},
		{"permission denied", checks.Meta{ID: "T001"}, node(170000, false, false, false),
			func(context.Context) (*checks.Outcome, error) {
				return nil, &pgconn.PgError{Code: "42501", Message: "permission denied for view x"}
			}, checks.StatusSkipped, "permission denied"},
		{"times out", checks.Meta{ID: "T001"}, node(170000, false, true, true),
			func(ctx context.Context) (*checks.Outcome, error) { <-ctx.Done(); return nil, ctx.Err() }, checks.StatusError, "timed out"},
		{"self skip", checks.Meta{ID: "T001"}, node(170000, false, true, true),
			func(context.Context) (*checks.Outcome, error) {
				return &checks.Outcome{Skip: &checks.Skip{Reason: "nothing to see", Hint: "h"}}, nil
			}, checks.StatusSkipped, "nothing to see"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, _ := RunOne(context.Background(), fake{c.meta, c.run}, c.node,
				Options{Sanitize: Identity, CheckTimeout: 50 * time.Millisecond})
			if res.Status != c.status || !strings.Contains(res.Reason, c.reason) {
				t.Fatalf("status %s reason %q; want %s %q", res.Status, res.Reason, c.status, c.reason)
			}
			if c.status == checks.StatusSkipped && strings.Contains(c.reason, "pg_monitor") && !strings.Contains(res.Hint, `GRANT pg_monitor TO "u"`) {
				t.Fatalf("hint %q", res.Hint)
			}
		})
	}
}

func TestRunNeverStops(t *testing.T) {
	list := []checks.Check{
		fake{checks.Meta{ID: "T001"}, func(context.Context) (*checks.Outcome, error) { panic("boom") }},
		fake{checks.Meta{ID: "T002"}, ok},
	}
	out := Run(context.Background(), list, []Node{node(170000, false, true, true)}, Options{Sanitize: Identity})
	if len(out) != 2 || out[0].Results[0].Status != checks.StatusError || out[1].Results[0].Status != checks.StatusFindings {
		t.Fatalf("%+v", out)
	}
	if out[1].Findings[0].Node != "n1" {
		t.Fatal("findings are not labelled with their node")
	}
}

// TestErrorMessagesAreSanitized: a server message reaches the report only through the
// sanitizer, like every other database string.
func TestErrorMessagesAreSanitized(t *testing.T) {
	redact := func(o *checks.Outcome) error {
		if p, ok := o.Data.(*checks.Text); ok {
			*p = checks.Text(strings.ReplaceAll(string(*p), "s3cret", "*****"))
		}
		return nil
	}
	fails := func(context.Context) (*checks.Outcome, error) {
		return nil, errors.New(`invalid input syntax: "s3cret"`)
	}
	res, _ := RunOne(context.Background(), fake{checks.Meta{ID: "T001"}, fails}, node(170000, false, true, true), Options{Sanitize: redact})
	if res.Status != checks.StatusError || strings.Contains(res.Reason, "s3cret") || !strings.Contains(res.Reason, "*****") {
		t.Fatalf("reason %q", res.Reason)
	}
}
