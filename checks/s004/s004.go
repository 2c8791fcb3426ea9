// Package s004 reviews, in each database, the object privileges an attacker with any
// login would look for first: CREATE on schemas for PUBLIC, SECURITY DEFINER functions
// PUBLIC may call without a pinned search_path, row-level security defined but not in
// force, default privileges granting to PUBLIC, user mappings that store a password,
// and extensions and languages that widen what SQL can reach.
package s004

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/pgcheckup/pgcheckup/checks"
)

var (
	//go:embed s004_schemas.sql
	schemasSQL string
	//go:embed s004_secdef.sql
	secdefSQL string
	//go:embed s004_rls.sql
	rlsSQL string
	//go:embed s004_defacl.sql
	defaclSQL string
	//go:embed s004_surface.sql
	surfaceSQL string
)

// Check is S004.
type Check struct{ cfg Config }

// Config holds S004's settings.
type Config struct {
	// TopN objects are listed per kind (the counts cover them all).
	TopN int `toml:"top_n"`
	// RiskyExtensions are extensions whose presence is a P3 finding.
	RiskyExtensions []string `toml:"risky_extensions"`
}

// New returns S004 with its defaults.
func New() *Check {
	return &Check{cfg: Config{TopN: 100, RiskyExtensions: []string{"dblink", "adminpack"}}}
}

// Config implements checks.Configurable.
func (c *Check) Config() any { return &c.cfg }

// Meta implements checks.Check.
func (c *Check) Meta() checks.Meta {
	// Replicated: every input is a catalog row (ACLs, policies, functions, default
	// privileges, user mappings), the same on a standby as on its primary.
	return checks.Meta{ID: "S004", Title: "Object privileges: schemas, SECURITY DEFINER, RLS, defaults, user mappings", Scope: checks.Database, Replicated: true, Doc: doc}
}

// Queries implements checks.Check.
func (c *Check) Queries() []checks.Query {
	return []checks.Query{{Name: "s004_schemas.sql", SQL: schemasSQL}, {Name: "s004_secdef.sql", SQL: secdefSQL},
		{Name: "s004_rls.sql", SQL: rlsSQL}, {Name: "s004_defacl.sql", SQL: defaclSQL}, {Name: "s004_surface.sql", SQL: surfaceSQL}}
}

// Schema is a schema where PUBLIC (every role) may create objects.
type Schema struct {
	Name  checks.Name `json:"name"`
	Owner checks.Name `json:"owner"`
}

// SecDef is a SECURITY DEFINER function PUBLIC may execute with no search_path of its own.
type SecDef struct {
	Schema    checks.Name `json:"schema"`
	Name      checks.Name `json:"name"`
	Signature checks.Name `json:"signature"` // schema-qualified, with argument types
	Procedure bool        `json:"procedure"`
	Owner     checks.Name `json:"owner"`
	// OwnerSuperuser: a caller who hijacks it acts as a superuser.
	OwnerSuperuser bool        `json:"owner_superuser"`
	Extension      checks.Name `json:"extension,omitempty"` // the extension it belongs to
}

// RLSTable is a table with row-level security policies that are not fully in force.
type RLSTable struct {
	Schema   checks.Name `json:"schema"`
	Name     checks.Name `json:"name"`
	Enabled  bool        `json:"enabled"` // relrowsecurity
	Forced   bool        `json:"forced"`  // relforcerowsecurity
	Policies int         `json:"policies"`
}

// DefaultACL is a default privilege granted to PUBLIC (ALTER DEFAULT PRIVILEGES).
type DefaultACL struct {
	Role       checks.Name    `json:"role"`
	Schema     checks.Name    `json:"schema,omitempty"` // empty: every schema
	ObjectType checks.Label   `json:"object_type"`      // tables, sequences, functions, types, schemas, large objects
	Privileges []checks.Label `json:"privileges"`
}

// Mapping is a user mapping. Its options are never read: Password says whether one of
// them is a password, computed on the server.
type Mapping struct {
	Server    checks.Name `json:"server"`
	User      checks.Name `json:"user"` // "public" when ForPublic
	Wrapper   checks.Name `json:"wrapper"`
	ForPublic bool        `json:"for_public"`
	// Password is nil when the role cannot see the mapping's options.
	Password *bool `json:"password"`
}

// Data is what S004 reports for one database.
type Data struct {
	PublicCreate    []Schema       `json:"public_create"`
	SecDefs         []SecDef       `json:"secdefs"`
	SecDefsTotal    int            `json:"secdefs_total"`
	RLS             []RLSTable     `json:"rls"`
	RLSDisabled     int            `json:"rls_disabled"`
	RLSNotForced    int            `json:"rls_not_forced"`
	DefaultACLs     []DefaultACL   `json:"default_acls"`
	Extensions      []checks.Name  `json:"extensions"` // installed ones of risky_extensions
	UntrustedLangs  []checks.Name  `json:"untrusted_languages"`
	Mappings        []Mapping      `json:"user_mappings"`
	RiskyExtensions []checks.Label `json:"risky_extensions"` // what was looked for
}

// Run implements checks.Check.
func (c *Check) Run(ctx context.Context, t *checks.Target) (*checks.Outcome, error) {
	d := Data{PublicCreate: []Schema{}, SecDefs: []SecDef{}, RLS: []RLSTable{}, DefaultACLs: []DefaultACL{},
		Extensions: []checks.Name{}, UntrustedLangs: []checks.Name{}, Mappings: []Mapping{}, RiskyExtensions: []checks.Label{}}
	for _, e := range c.cfg.RiskyExtensions {
		d.RiskyExtensions = append(d.RiskyExtensions, checks.Label(e))
	}
	top := max(c.cfg.TopN, 1)
	steps := []struct {
		what string
		sql  string
		args []any
		scan func(scan func(...any) error) error
	}{
		{"schemas", schemasSQL, []any{top}, func(scan func(...any) error) error {
			var s Schema
			err := scan(&s.Name, &s.Owner)
			d.PublicCreate = append(d.PublicCreate, s)
			return err
		}},
		{"security definer functions", secdefSQL, []any{top}, func(scan func(...any) error) error {
			var f SecDef
			var ext *string
			err := scan(&f.Schema, &f.Name, &f.Signature, &f.Procedure, &f.Owner, &f.OwnerSuperuser, &ext, &d.SecDefsTotal)
			if ext != nil {
				f.Extension = checks.Name(*ext)
			}
			d.SecDefs = append(d.SecDefs, f)
			return err
		}},
		{"row-level security", rlsSQL, []any{top}, func(scan func(...any) error) error {
			var r RLSTable
			err := scan(&r.Schema, &r.Name, &r.Enabled, &r.Forced, &r.Policies, &d.RLSDisabled, &d.RLSNotForced)
			d.RLS = append(d.RLS, r)
			return err
		}},
		{"default privileges", defaclSQL, []any{top}, func(scan func(...any) error) error {
			var a DefaultACL
			var schema *string
			var objtype, privs string
			err := scan(&a.Role, &schema, &objtype, &privs)
			if schema != nil {
				a.Schema = checks.Name(*schema)
			}
			a.ObjectType, a.Privileges = objectType(objtype), privileges(privs)
			d.DefaultACLs = append(d.DefaultACLs, a)
			return err
		}},
		{"extensions, languages and user mappings", surfaceSQL, []any{c.cfg.RiskyExtensions, top}, func(scan func(...any) error) error {
			var kind, name string
			var detail, fdw *string
			var m Mapping
			if err := scan(&kind, &name, &detail, &fdw, &m.Password, &m.ForPublic); err != nil {
				return err
			}
			switch kind {
			case "extension":
				d.Extensions = append(d.Extensions, checks.Name(name))
			case "language":
				d.UntrustedLangs = append(d.UntrustedLangs, checks.Name(name))
			default:
				m.Server, m.User, m.Wrapper = checks.Name(name), checks.Name(deref(detail)), checks.Name(deref(fdw))
				d.Mappings = append(d.Mappings, m)
			}
			return nil
		}},
	}
	for _, s := range steps {
		rows, err := t.DB.Query(ctx, s.sql, s.args...)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", s.what, err)
		}
		for rows.Next() {
			if err := s.scan(rows.Scan); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read %s: %w", s.what, err)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", s.what, err)
		}
	}
	return &checks.Outcome{Data: d, Findings: analyze(d)}, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// objectType names pg_default_acl.defaclobjtype.
func objectType(t string) checks.Label {
	switch t {
	case "r":
		return "tables"
	case "S":
		return "sequences"
	case "f":
		return "functions"
	case "T":
		return "types"
	case "n":
		return "schemas"
	case "L":
		return "large objects"
	}
	return "other"
}

var privilegeLetters = map[rune]checks.Label{'r': "SELECT", 'w': "UPDATE", 'a': "INSERT", 'd': "DELETE", 'D': "TRUNCATE",
	'x': "REFERENCES", 't': "TRIGGER", 'X': "EXECUTE", 'U': "USAGE", 'C': "CREATE", 'm': "MAINTAIN"}

// privileges spells out the letters of an aclitem ("arwd" -> INSERT, SELECT, UPDATE,
// DELETE); a grant option's "*" is dropped.
func privileges(letters string) []checks.Label {
	out := []checks.Label{}
	for _, r := range letters {
		if p, ok := privilegeLetters[r]; ok {
			out = append(out, p)
		}
	}
	return out
}
