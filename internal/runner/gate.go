package runner

import (
	"context"
	"fmt"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

// ExtensionQuery tells whether an extension is installed in the session's database.
const ExtensionQuery = `/* pgcheckup runner */
SELECT pg_catalog.count(*) > 0 FROM pg_catalog.pg_extension WHERE extname = $1`

// gate returns why the check cannot run on n, or nil.
func gate(ctx context.Context, m checks.Meta, n Node) *checks.Skip {
	if skip := StaticGate(m, n); skip != nil {
		return skip
	}
	for _, r := range m.Requires {
		if ext, ok := strings.CutPrefix(string(r), "extension:"); ok {
			var ok bool
			if err := n.DB.QueryRow(ctx, ExtensionQuery, ext).Scan(&ok); err != nil {
				// Not knowing is no reason to skip (a skip reads as "nothing to say"): the
				// check runs, looks for the extension itself and reports what it finds,
				// an error included.
				continue
			}
			if !ok {
				return &checks.Skip{Reason: fmt.Sprintf("extension %s is not installed in database %s", ext, n.Info.Database),
					Hint: fmt.Sprintf("CREATE EXTENSION %s; (in database %s)", ext, n.Info.Database)}
			}
		}
	}
	return nil
}

// StaticGate is the part of gate decided by what is known of the node (version, role,
// privileges) without a query: a check it skips needs no connection.
func StaticGate(m checks.Meta, n Node) *checks.Skip {
	if m.MinVersion > 0 && n.Info.VersionNum < m.MinVersion {
		return &checks.Skip{Reason: fmt.Sprintf("needs PostgreSQL %s or newer; this node runs %s",
			versionName(m.MinVersion), n.Info.Version)}
	}
	if m.Replicated && n.Info.InRecovery && n.Primary != "" {
		return &checks.Skip{Reason: fmt.Sprintf("reads only what replication copies from the primary: the result of %s stands for this standby", n.Primary),
			SameAs: n.Primary}
	}
	for _, r := range m.Requires {
		switch {
		case r == checks.NeedPrimary && n.Info.InRecovery:
			return &checks.Skip{Reason: "only meaningful on a primary; this node is a standby"}
		case r == checks.NeedStandby && !n.Info.InRecovery:
			return &checks.Skip{Reason: "only meaningful on a standby; this node is a primary"}
		case r == checks.NeedSuperuser && !n.Info.Superuser:
			return &checks.Skip{Reason: "needs a superuser", Hint: "run as a superuser, or skip this check"}
		case r == checks.NeedPGMonitor && !n.Info.PGMonitor:
			return &checks.Skip{Reason: "needs the pg_monitor role",
				Hint: fmt.Sprintf("GRANT pg_monitor TO %s;", quoteIdent(n.Info.User))}
		}
	}
	return nil
}

func versionName(num int) string {
	return fmt.Sprintf("%d", num/10000)
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
