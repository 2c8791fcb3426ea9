// Package checks is the contract between pgcheckup's checks and its runner: what a check
// declares about itself (Meta), what it is given (Target) and what it returns (Outcome).
package checks

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Check is one numbered health check. Implementations live in checks/<id>/ and are
// listed, explicitly and sorted, in checks/all.
type Check interface {
	// Meta describes the check: ID, title, documentation, scope and requirements.
	Meta() Meta
	// Queries lists every SQL statement the check may send, per version band, so that
	// `pgcheckup sql` can print them for review and tests can audit them.
	Queries() []Query
	// Run collects the check's data from the target and analyzes it. Returning an error
	// marks the check as failed on this node; it never stops the run.
	Run(ctx context.Context, t *Target) (*Outcome, error)
}

// Configurable is implemented by checks with tunable thresholds. Config returns a
// pointer to the check's settings, already holding the defaults; the TOML section
// [checks.<ID>] is decoded into it before Run.
type Configurable interface {
	Config() any
}

// Validator may be implemented by the settings a Configurable returns, for rules only
// the check knows (a P1 threshold above its P2, an upper bound). It runs when the
// configuration file loads, after the rule every check gets: numbers are finite and not
// negative. An error should name the TOML key.
type Validator interface {
	Validate() error
}

// NodeOutcome is one check's outcome on one node, as a run holds it before the report
// is assembled: typed, not yet sanitized.
type NodeOutcome struct {
	// Node is the node; Node.Database the database the check looked at. A node that
	// could not be reached (or a database that refused the connection) is here too,
	// with Status StatusError, Outcome nil and Unreachable saying why, so a comparison
	// can tell "no scans anywhere" from "one node not seen".
	Node        Node
	Status      Status
	Unreachable string
	// Outcome is nil when the check did not run on the node (skipped by a gate, failed).
	Outcome *Outcome
}

// Comparer is implemented by checks that judge the nodes against each other (settings
// that differ between a primary and its standbys, a standby far behind). Compare gets
// the check's outcome on every node, in the order of the nodes, once all have run. It
// is pure, like analyze: no database, no clock. Its findings carry no Node; they are
// added to the check's findings and pass the privacy rules like the others.
type Comparer interface {
	Compare(outcomes []NodeOutcome) []Finding
}

// Replacer is a Comparer whose Compare replaces the findings the check's Run returned
// on each node (H002: an index is unused only if no node used it), instead of adding to
// them. The per-node findings still decide each result's status.
type Replacer interface {
	Comparer
	ReplacesNodeFindings() bool
}

// Scope says whether a check looks at the whole cluster or at one database.
type Scope string

// Scopes.
const (
	Cluster  Scope = "cluster"
	Database Scope = "database"
)

// Requirement is something a check needs before it can run. The runner checks these
// and reports the check as skipped, with a hint, when one is missing.
type Requirement string

// Requirements the runner understands. Extensions are named with Extension().
const (
	NeedPGMonitor Requirement = "pg_monitor" // pg_monitor membership or superuser
	NeedSuperuser Requirement = "superuser"
	NeedPrimary   Requirement = "primary" // only meaningful on a primary
	NeedStandby   Requirement = "standby" // only meaningful on a standby
)

// Extension is the requirement that an extension is installed in the target database.
func Extension(name string) Requirement { return Requirement("extension:" + name) }

// Meta is what a check says about itself.
type Meta struct {
	ID         string        // stable ID as in postgres-checkup, e.g. "H002"
	Title      string        // short title
	Doc        string        // Markdown: what it reads, how to read it, thresholds
	Scope      Scope         // Cluster or Database
	MinVersion int           // lowest server_version_num it supports (0: any supported)
	Requires   []Requirement // privileges, extensions, node role
	// Session is the session of the node the check runs on (see SessionKind).
	Session SessionKind
	// Workload marks the checks that read pg_stat_statements deltas (K001-K008,
	// M001-M003, N001): the pipeline runs them last on each node, on the connection's
	// database, with Target.Workload set.
	Workload bool
	// Replicated marks the checks that read only what physical replication copies to a
	// standby (the catalogs, planner statistics, relation files, sequences), and whose
	// node-local inputs (activity counters) mean nothing on a standby: where the run
	// reaches the standby's primary, the primary's result stands for it and the check
	// is skipped there, saying so. A standby checked without its primary runs them.
	Replicated bool
}

// SessionKind says which of a node's sessions a check runs on. A node has one connection
// at a time: the main session first, which then becomes the catalog session (its
// settings changed on the same connection), then one session for each OwnSession check.
type SessionKind int

// Session kinds.
const (
	// MainSession shows the server's settings as any session of the role gets them:
	// every check that reads pg_settings runs here.
	MainSession SessionKind = iota
	// CatalogSession has more work_mem (session.CatalogWorkMem) and no parallel
	// workers, so that sorts and hashes over a whole catalog stay in memory: for checks
	// that read no setting but block_size and the like, since the session's own values
	// would hide the server's.
	CatalogSession
	// OwnSession is for a check that opens many relations (every sequence, say): each
	// stays in the backend's relation cache while the session lasts, so the check gets
	// a session of its own, closed when it ends. Settings as in CatalogSession.
	OwnSession
)

// Query is one SQL statement of a check, valid for server versions in [MinVersion,
// MaxVersion). Zero bounds are open. Every statement starts with "/* pgcheckup <ID> */".
type Query struct {
	Name       string // e.g. "h002.sql"
	MinVersion int
	MaxVersion int
	SQL        string
}

// Pick returns the statement named name that serves server version v.
func Pick(qs []Query, name string, v int) (string, bool) {
	for _, q := range qs {
		if q.Name == name && (q.MinVersion == 0 || v >= q.MinVersion) && (q.MaxVersion == 0 || v < q.MaxVersion) {
			return q.SQL, true
		}
	}
	return "", false
}

// Querier runs read-only statements on one node. Sessions behind it are read-only with
// statement_timeout, lock_timeout and application_name set.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Node describes the server a check runs against.
type Node struct {
	Name          string // label used in the report, e.g. "node1"
	Host          string // host:port, no credentials
	SystemID      string // pg_control_system().system_identifier; "" when unknown
	Database      string // database of the session
	Role          string // "primary" or "standby"
	Version       string // server_version, e.g. "17.2"
	VersionNum    int    // server_version_num, e.g. 170002
	InRecovery    bool
	User          string // session user
	Superuser     bool
	PGMonitor     bool // member of pg_monitor (or superuser)
	PGReadAllData bool // member of pg_read_all_stats or pg_monitor: can see other sessions' details
}

// HostFacts are facts about the machine that SQL cannot read, given in the config file.
// Zero means unknown: checks that need them say so instead of guessing.
type HostFacts struct {
	RAMBytes int64
	CPUs     int
}

// Target is what a check runs against.
type Target struct {
	Node Node
	DB   Querier
	Host HostFacts
	// Now is the run's start time. Checks pass it to analyze instead of reading a clock,
	// so that analysis stays a pure function.
	Now time.Time
	// PreciseBloat allows pgstattuple-based measurement (reads relation pages).
	PreciseBloat bool
	// Workload is the node's *workload.View for checks with Meta.Workload (nil for the
	// others, or when the pipeline built none). It is typed any because internal/workload
	// builds on this package.
	Workload any
}

// Outcome is what a check returns from one node.
type Outcome struct {
	// Data is the check's typed data. Strings from the database must be Name, Text or
	// QueryText (see text.go).
	Data any
	// Findings are the check's conclusions. Severity Info findings do not make the
	// status "findings" on their own.
	Findings []Finding
	// Skip, when set, reports the check as skipped for this reason (e.g. an extension
	// that is not installed in this database). Data may still be set.
	Skip *Skip
}

// Skip explains why a check did not run, and what would make it run.
type Skip struct {
	Reason string `json:"reason"`
	Hint   string `json:"hint,omitempty"`
	// SameAs names the node whose result stands for this one (report.Result.SameAs).
	SameAs string `json:"-"`
}

// Finding is one conclusion of a check.
type Finding struct {
	Code           string   `json:"code"` // stable, e.g. "H002/unused-index"
	Severity       Severity `json:"severity"`
	Conclusion     string   `json:"conclusion"`     // Markdown
	Recommendation string   `json:"recommendation"` // Markdown
	Objects        []Name   `json:"objects,omitempty"`
	// Node is the node that reported the finding, set by the runner. The report merges
	// the same finding from several nodes into one, with Nodes listing them and Node
	// empty; a finding of Compare names the nodes it is about in Nodes, or none when it
	// speaks for the cluster.
	Node  string   `json:"node,omitempty"`
	Nodes []string `json:"nodes,omitempty"`
	// Database is the database a database-scoped check found it in, set by the runner.
	Database string `json:"database,omitempty"`
	// Count is how many objects the finding stands for when it speaks for more than one:
	// the rows a check found beyond those it lists ("24,423 more foreign keys without an
	// index"). Zero means one. The summary, the chart, the terminal and --fail-on add
	// these up, so a listing's limit never lowers what the report counts.
	Count int `json:"count,omitempty"`
}

// Weight is how many objects f counts for: Count, or 1.
func (f Finding) Weight() int {
	if f.Count > 1 {
		return f.Count
	}
	return 1
}

// IsPermissionDenied reports whether err is Postgres' "insufficient privilege".
func IsPermissionDenied(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "42501"
}

// ExtSchema is the placeholder for an extension's schema in a check's SQL: a quoted
// identifier, so the statement parses and `pgcheckup sql` shows it as it is. Nothing
// outside pg_catalog is resolved by name in pgcheckup's session (search_path holds only
// pg_catalog), so extension objects are always qualified with the schema pg_extension
// names for them.
const ExtSchema = `"@extschema@"`

// InSchema returns sql with ExtSchema replaced by schema, quoted.
func InSchema(sql, schema string) string {
	return strings.ReplaceAll(sql, ExtSchema, QuoteIdent(schema))
}
