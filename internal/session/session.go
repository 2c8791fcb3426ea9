// Package session opens pgcheckup's database sessions: read-only, with timeouts and an
// application name set in the startup packet, so no statement runs before they hold.
package session

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/pgcheckup/pgcheckup/checks"
)

// ApplicationName is what pgcheckup's sessions show in pg_stat_activity.
const ApplicationName = "pgcheckup"

// Marker starts every statement pgcheckup sends, so its own queries can be told apart
// in pg_stat_statements and server logs.
const Marker = "/* pgcheckup "

// SearchPath is every session's search_path. Only pg_catalog (and our own temporary
// schema, which nobody else can write) is ever searched, so no view, function or
// operator that another role created can win name resolution in pgcheckup's session,
// where it would run with our privileges (CVE-2018-1058). Set in the startup packet, it
// outranks any ALTER ROLE or ALTER DATABASE setting.
const SearchPath = "pg_catalog, pg_temp"

// Options are the session limits.
type Options struct {
	StatementTimeout time.Duration
	LockTimeout      time.Duration
	ConnectTimeout   time.Duration
	// EmptySearchPath starts the session with an empty search_path instead of
	// SearchPath. Tests use it to prove that every name outside pg_catalog is qualified.
	EmptySearchPath bool
	// Catalog makes a catalog session (checks.CatalogSession): more work_mem, no parallel
	// workers. The main session leaves both as the server sets them, because the checks
	// that read pg_settings would see the session's values instead of the server's.
	Catalog bool
}

// CatalogWorkMem is the work_mem of a catalog session (Options.Catalog): enough for the
// largest sort of the catalog checks at 50,000 tables (docs/benchmarks.md).
const CatalogWorkMem = "32MB"

// CatalogQuery turns a main session into a catalog session (Options.Catalog) without a
// new connection: once the checks that read pg_settings have run, the session's own
// values hide nothing, and a backend that already holds the catalog caches is cheaper
// than a new one.
const CatalogQuery = `/* pgcheckup session */
SELECT pg_catalog.set_config('work_mem', $1, false),
       pg_catalog.set_config('max_parallel_workers_per_gather', '0', false)`

// ToCatalog makes s a catalog session (CatalogQuery).
func (s *Session) ToCatalog(ctx context.Context) error {
	var a, b string
	if err := s.QueryRow(ctx, CatalogQuery, CatalogWorkMem).Scan(&a, &b); err != nil {
		return fmt.Errorf("catalog session settings: %w", err)
	}
	return nil
}

// Session is one read-only connection to one node.
type Session struct {
	conn *pgx.Conn
}

// Connect opens a session with cfg (from pgx.ParseConfig, so PG* variables, .pgpass and
// sslmode behave as in libpq) and the limits in opts.
func Connect(ctx context.Context, cfg *pgx.ConnConfig, opts Options) (*Session, error) {
	cfg = cfg.Copy()
	if opts.ConnectTimeout > 0 {
		cfg.ConnectTimeout = opts.ConnectTimeout
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["application_name"] = ApplicationName
	cfg.RuntimeParams["default_transaction_read_only"] = "on"
	cfg.RuntimeParams["search_path"] = SearchPath
	if opts.EmptySearchPath {
		cfg.RuntimeParams["search_path"] = ""
	}
	cfg.RuntimeParams["statement_timeout"] = millis(opts.StatementTimeout)
	cfg.RuntimeParams["lock_timeout"] = millis(opts.LockTimeout)
	// JIT compiles for longer than a catalog query runs.
	cfg.RuntimeParams["jit"] = "off"
	if opts.Catalog {
		// Sorts and hashes over a 50,000-table catalog outgrow the default 4MB and spill
		// to temporary files; CatalogWorkMem keeps them in memory, within the backend
		// memory the benchmark holds pgcheckup to (docs/benchmarks.md). A parallel
		// worker is one more process per query, for queries that gain nothing from it.
		cfg.RuntimeParams["work_mem"] = CatalogWorkMem
		cfg.RuntimeParams["max_parallel_workers_per_gather"] = "0"
	}
	cfg.BuildContextWatcherHandler = onContextDone
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", Describe(cfg), Redact(err, cfg))
	}
	return &Session{conn: conn}, nil
}

// CancelGrace is how long a statement whose context ended may take to stop. pgx's default
// closes the socket at once, which leaves the statement running on the server and the
// session unusable. Instead the server is asked to cancel the statement, and only a
// server that does not answer within CancelGrace (a stalled node or network) has its
// socket closed, so no wait outlives its deadline by more than this.
const CancelGrace = time.Second

func onContextDone(c *pgconn.PgConn) ctxwatch.Handler {
	return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: CancelGrace}
}

func millis(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }

// Close ends the session.
func (s *Session) Close(ctx context.Context) error { return s.conn.Close(ctx) }

// IsClosed reports whether the connection is gone: closed by Close, by the server (a
// restart), or by a network error or an unanswered cancel.
func (s *Session) IsClosed() bool { return s.conn.IsClosed() }

// Query runs a marked, read-only statement.
func (s *Session) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if err := checkMarked(sql); err != nil {
		return nil, err
	}
	return s.conn.Query(ctx, sql, args...)
}

// QueryRow runs a marked statement that returns one row.
func (s *Session) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if err := checkMarked(sql); err != nil {
		return errRow{err}
	}
	return s.conn.QueryRow(ctx, sql, args...)
}

func checkMarked(sql string) error {
	if !strings.HasPrefix(sql, Marker) {
		return errors.New("refusing to send a statement without the pgcheckup marker comment")
	}
	return nil
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// Describe names the node a config points at, without credentials.
func Describe(cfg *pgx.ConnConfig) string {
	host := cfg.Host
	if strings.HasPrefix(host, "/") {
		host = "socket " + host
	}
	return fmt.Sprintf("%s:%d", host, cfg.Port)
}

// Redact removes the password of cfg from an error's text. pgx does not put passwords
// in its errors today; this keeps it so if that ever changes.
func Redact(err error, cfg *pgx.ConnConfig) error {
	if err == nil || cfg.Password == "" || !strings.Contains(err.Error(), cfg.Password) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), cfg.Password, "*****"))
}

var _ checks.Querier = (*Session)(nil)
