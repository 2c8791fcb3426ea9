// Package s001 lists the roles that hold more power than an application needs: superusers
// besides the bootstrap role, login roles with CREATEROLE, BYPASSRLS or REPLICATION,
// members of the server-file roles and of managed-service admin roles, and the state of
// password expiry among login roles.
package s001

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
)

var (
	//go:embed s001_roles.sql
	rolesSQL string
	//go:embed s001_expiry.sql
	expirySQL string
)

// serverFileRoles are the predefined roles that reach the server's file system or shell
// as the operating-system user running PostgreSQL (names starting with pg_ are reserved).
var serverFileRoles = []string{"pg_execute_server_program", "pg_read_server_files", "pg_write_server_files"}

// adminRoles are the roles managed services give their customers' administrators in
// place of superuser. On a self-managed server a role of that name is an ordinary role.
var adminRoles = []string{"azure_pg_admin", "cloudsqlsuperuser", "rds_superuser"}

// v16 is where CREATEROLE stopped reaching every non-superuser role.
const v16 = 160000

// Check is S001.
type Check struct{ cfg Config }

// Config holds S001's thresholds.
type Config struct {
	// MaxRoles: at most this many roles are listed per statement (every figure counts all).
	MaxRoles int `toml:"max_roles"`
	// ExpiryWarningDays: a login role whose password expires within this many days is P2.
	ExpiryWarningDays float64 `toml:"expiry_warning_days"`
}

// New returns S001 with its defaults.
func New() *Check { return &Check{cfg: Config{MaxRoles: 200, ExpiryWarningDays: 14}} }

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	return checks.Meta{ID: "S001", Title: "Roles and privileges", Scope: checks.Cluster, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "s001_roles.sql", SQL: rolesSQL}, {Name: "s001_expiry.sql", SQL: expirySQL}}
}

// Role is a role that holds a notable attribute or membership. The bootstrap superuser
// (oid 10) is never listed.
type Role struct {
	Name        checks.Name `json:"name"`
	Superuser   bool        `json:"superuser"`
	CanLogin    bool        `json:"can_login"`
	CreateRole  bool        `json:"createrole"`
	BypassRLS   bool        `json:"bypassrls"`
	Replication bool        `json:"replication"`
	// AdminRole: the role is one of the managed-service admin roles by name.
	AdminRole bool `json:"admin_role"`
	// Superusers this (non-superuser) role is a member of, directly or not: SET ROLE
	// makes it a superuser.
	MemberOfSuperusers []checks.Name `json:"member_of_superusers"`
	// Server-file and managed-service admin roles it is a member of, directly or not.
	MemberOf []checks.Name `json:"member_of"`
}

// Totals count every role of each kind, beyond the listed ones.
type Totals struct {
	Superusers  int `json:"superusers"` // superusers but oid 10, and members of a superuser
	CreateRole  int `json:"createrole"`
	BypassRLS   int `json:"bypassrls"`
	Replication int `json:"replication"`
	ServerFiles int `json:"server_files"`
	Admin       int `json:"admin"`
}

// Expiring is a login role whose password expires before the warning window ends (or has
// expired). A role valid "until -infinity" shows as expired at the Unix epoch.
type Expiring struct {
	Name       checks.Name `json:"name"`
	ValidUntil time.Time   `json:"valid_until"`
}

// Data is what S001 reports.
type Data struct {
	Roles  []Role `json:"roles"`
	Totals Totals `json:"totals"`
	// CreateRoleReachesAll: before 16 a CREATEROLE role may grant itself any
	// non-superuser role, pg_execute_server_program included.
	CreateRoleReachesAll bool `json:"createrole_reaches_all"`
	// Login roles (the bootstrap superuser aside) with and without a password expiry.
	LoginWithExpiry    int `json:"login_with_expiry"`
	LoginWithoutExpiry int `json:"login_without_expiry"`
	// NoExpiry lists login roles without expiry, only when some login role has one.
	NoExpiry      []checks.Name `json:"no_expiry"`
	ExpiringTotal int           `json:"expiring_total"`
	Expiring      []Expiring    `json:"expiring"`
	// ExpiryWindowEnd is the end of the warning window: run start + expiry_warning_days.
	ExpiryWindowEnd time.Time `json:"expiry_window_end"`
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	d := Data{Roles: []Role{}, NoExpiry: []checks.Name{}, Expiring: []Expiring{}, CreateRoleReachesAll: t.Node.VersionNum < v16,
		ExpiryWindowEnd: t.Now.Add(time.Duration(c.cfg.ExpiryWarningDays * 24 * float64(time.Hour))).UTC().Truncate(time.Second)}
	limit := max(c.cfg.MaxRoles, 1)
	rows, err := t.DB.Query(ctx, rolesSQL, serverFileRoles, adminRoles, limit)
	if err != nil {
		return nil, fmt.Errorf("read pg_roles: %w", err)
	}
	for rows.Next() {
		var r Role
		if err := rows.Scan(&r.Name, &r.Superuser, &r.CanLogin, &r.CreateRole, &r.BypassRLS, &r.Replication, &r.AdminRole,
			&r.MemberOfSuperusers, &r.MemberOf, &d.Totals.Superusers, &d.Totals.CreateRole, &d.Totals.BypassRLS,
			&d.Totals.Replication, &d.Totals.ServerFiles, &d.Totals.Admin); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read pg_roles: %w", err)
		}
		d.Roles = append(d.Roles, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read pg_roles: %w", err)
	}
	if err := readExpiry(ctx, t.DB, limit, &d); err != nil {
		return nil, err
	}
	return &checks.Outcome{Data: d, Findings: analyze(d, c.cfg, t.Now)}, nil
}

func readExpiry(ctx context.Context, db checks.Querier, limit int, d *Data) error {
	rows, err := db.Query(ctx, expirySQL, limit, d.ExpiryWindowEnd)
	if err != nil {
		return fmt.Errorf("read password expiry: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name *checks.Name
		var until *time.Time
		if err := rows.Scan(&name, &until, &d.LoginWithExpiry, &d.LoginWithoutExpiry, &d.ExpiringTotal); err != nil {
			return fmt.Errorf("read password expiry: %w", err)
		}
		switch {
		case name == nil: // no row of either list
		case until == nil:
			d.NoExpiry = append(d.NoExpiry, *name)
		default:
			d.Expiring = append(d.Expiring, Expiring{Name: *name, ValidUntil: until.UTC()})
		}
	}
	return rows.Err()
}
