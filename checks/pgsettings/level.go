package pgsettings

import (
	"path"

	"github.com/pgcheckup/pgcheckup/checks"
)

// Where a value comes from decides which statement changes it: ALTER SYSTEM does not
// reach a value set with ALTER DATABASE or ALTER ROLE (those win over the files), nor one
// given on the server's command line. So a recommendation names the level and gives the
// statement of that level.

// Level names, in words, where the session's value of the setting comes from.
func (r Row) Level() string {
	switch r.Source {
	case "database":
		return "set for database " + checks.Code(r.db()) + " (with ALTER DATABASE)"
	case "user":
		return "set for role " + checks.Code(r.user()) + " (with ALTER ROLE)"
	case "database user":
		return "set for role " + checks.Code(r.user()) + " in database " + checks.Code(r.db()) +
			" (with ALTER ROLE ... IN DATABASE)"
	case "configuration file":
		switch {
		case r.SourceFile == "":
			return "set in a configuration file (`postgresql.conf`, or `postgresql.auto.conf` by `ALTER SYSTEM`; " +
				"the role cannot see which)"
		case path.Base(string(r.SourceFile)) == "postgresql.auto.conf":
			return "set with `ALTER SYSTEM` (`postgresql.auto.conf`)"
		default:
			return "set in the configuration file " + checks.Code(string(r.SourceFile))
		}
	case "command line":
		return "set on the server's command line (`postgres -c`)"
	case "environment variable":
		return "set by an environment variable of the server"
	case "default", "":
		return "the built-in default"
	}
	return "set by " + checks.Code(string(r.Source))
}

// SetSQL is the statement that sets the setting to value (an SQL literal or number, as
// it goes after "=") where the session's value comes from, so that it takes effect; with
// the reload or restart the setting's context needs. On the command line no statement
// helps: the advice says so.
func (r Row) SetSQL(value string) string {
	return r.statement("SET " + string(r.Name) + " = " + value)
}

// ResetSQL is the statement that removes the value where it was set.
func (r Row) ResetSQL() string { return r.statement("RESET " + string(r.Name)) }

func (r Row) statement(action string) string {
	db, user := r.db(), r.user()
	if r.Database != "" {
		db = checks.QuoteIdent(db)
	}
	if r.User != "" {
		user = checks.QuoteIdent(user)
	}
	switch r.Source {
	case "database":
		return checks.Code("ALTER DATABASE "+db+" "+action+";") + " (new sessions)"
	case "user":
		return checks.Code("ALTER ROLE "+user+" "+action+";") + " (new sessions)"
	case "database user":
		return checks.Code("ALTER ROLE "+user+" IN DATABASE "+db+" "+action+";") + " (new sessions)"
	case "command line":
		return "change `-c " + string(r.Name) + "` on the server's command line (service file) and restart; " +
			"`ALTER SYSTEM` does not override it"
	}
	stmt := "ALTER SYSTEM " + action + ";"
	if r.Context == "postmaster" {
		return checks.Code(stmt) + " and a restart"
	}
	if r.Context == "internal" {
		return checks.Code(stmt)
	}
	return checks.Code(stmt + " SELECT pg_catalog.pg_reload_conf();")
}

// Fix is the sentence a recommendation gives: where the value comes from and the
// statement that sets value there.
func (r Row) Fix(value string) string {
	return "The value is " + r.Level() + ": " + r.SetSQL(value)
}

// fromSession keeps the database and role only where the value was set for them.
func fromSession(r *Row, db, user string) {
	r.Database, r.User = "", ""
	switch string(r.Source) {
	case "database":
		r.Database = checks.Name(db)
	case "user":
		r.User = checks.Name(user)
	case "database user":
		r.Database, r.User = checks.Name(db), checks.Name(user)
	}
}

// db and user name the session's database and role, or say which when a caller built
// the row without them.
func (r Row) db() string {
	if r.Database == "" {
		return "<database>"
	}
	return string(r.Database)
}

func (r Row) user() string {
	if r.User == "" {
		return "<role>"
	}
	return string(r.User)
}
