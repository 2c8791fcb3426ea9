// Package pgsettings reads rows of pg_settings for the configuration checks and converts
// their values by unit, so that every check compares settings the same way.
package pgsettings

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/privacy"
)

// SQL is the statement a check sends to read the settings named in $1 (a text array).
// It is a fixed text per check ID: the ID only fills the marker comment.
func SQL(id string) string {
	return "/* pgcheckup " + id + " */\n" + `SELECT name, setting, COALESCE(unit, ''), source, COALESCE(sourcefile, ''),
       COALESCE(boot_val, ''), COALESCE(reset_val, ''), pending_restart, vartype, context,
       pg_catalog.current_database(), session_user
FROM pg_catalog.pg_settings
WHERE name = ANY($1::text[])
ORDER BY name`
}

// Row is one setting.
type Row struct {
	checks.Setting
	Unit           checks.Text `json:"unit,omitempty"`
	Source         checks.Text `json:"source"`
	SourceFile     checks.Text `json:"sourcefile,omitempty"`
	BootVal        checks.Text `json:"boot_val"`
	ResetVal       checks.Text `json:"reset_val"`
	PendingRestart bool        `json:"pending_restart"`
	VarType        checks.Text `json:"vartype"`
	Context        checks.Text `json:"context"`
	// Database and User are the session's, kept when the value was set for them
	// (source "database", "user" or "database user"; see Level).
	Database checks.Name `json:"database,omitempty"`
	User     checks.Name `json:"user,omitempty"`
}

// Read returns the named settings that exist on the server, by name. Settings that the
// server does not have (older major) are simply absent.
func Read(ctx context.Context, db checks.Querier, sql string, names []string) (map[string]Row, error) {
	rows, err := db.Query(ctx, sql, names)
	if err != nil {
		return nil, fmt.Errorf("read settings: %w", err)
	}
	defer rows.Close()
	out := map[string]Row{}
	for rows.Next() {
		var r Row
		var db, user string
		if err := rows.Scan(&r.Name, &r.Value, &r.Unit, &r.Source, &r.SourceFile, &r.BootVal,
			&r.ResetVal, &r.PendingRestart, &r.VarType, &r.Context, &db, &user); err != nil {
			return nil, fmt.Errorf("read settings: %w", err)
		}
		fromSession(&r, db, user)
		if !privacy.SettingShown(string(r.Name)) {
			// The privacy layer hides the value of a custom setting, which may be a
			// secret, through checks.Setting; these two are plain Text and would repeat
			// it (reset_val is the value set for the database or role).
			r.BootVal, r.ResetVal = "", ""
		}
		out[string(r.Name)] = r
	}
	return out, rows.Err()
}

// Bool reports whether a boolean setting is on.
func (r Row) Bool() bool { return r.Value == "on" || r.Value == "true" }

// Bytes converts a memory setting to bytes. ok is false for non-memory settings and for
// -1 ("use another setting"); the caller decides what -1 means.
func (r Row) Bytes() (int64, bool) {
	mult, ok := unitBytes(string(r.Unit))
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseInt(string(r.Value), 10, 64)
	if err != nil || v < 0 {
		return 0, false
	}
	return v * mult, true
}

// Seconds converts a time setting to seconds. ok is false for non-time settings; -1 and
// 0 come back as they are (their meaning, e.g. "disabled", is the caller's to judge).
func (r Row) Seconds() (float64, bool) {
	var mult float64
	switch string(r.Unit) {
	case "us":
		mult = 1e-6
	case "ms":
		mult = 1e-3
	case "s":
		mult = 1
	case "min":
		mult = 60
	case "h":
		mult = 3600
	case "d":
		mult = 86400
	default:
		return 0, false
	}
	v, err := strconv.ParseFloat(string(r.Value), 64)
	if err != nil {
		return 0, false
	}
	if v <= 0 {
		return v, true
	}
	return v * mult, true
}

// Float parses a numeric setting (unitless or not).
func (r Row) Float() (float64, bool) {
	v, err := strconv.ParseFloat(string(r.Value), 64)
	return v, err == nil
}

// unitBytes maps pg_settings units ("8kB", "kB", "MB", "B") to bytes.
func unitBytes(unit string) (int64, bool) {
	num := strings.TrimRight(unit, "kMGTB")
	suffix := strings.TrimPrefix(unit, num)
	n := int64(1)
	if num != "" {
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			return 0, false
		}
		n = v
	}
	switch suffix {
	case "B":
		return n, true
	case "kB":
		return n << 10, true
	case "MB":
		return n << 20, true
	case "GB":
		return n << 30, true
	case "TB":
		return n << 40, true
	}
	return 0, false
}

// ParseBytes reads a size written as in postgresql.conf or the TOML file ("64GB",
// "512MB", "8kB", "1024"), for host facts and thresholds.
func ParseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	v, err := strconv.ParseFloat(s[:i], 64)
	if err != nil {
		return 0, fmt.Errorf("size %q: no number", s)
	}
	unit := strings.ToUpper(strings.TrimSpace(s[i:]))
	unit = strings.TrimSuffix(strings.TrimSuffix(unit, "IB"), "B")
	mult := map[string]float64{"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("size %q: unknown unit", s)
	}
	return int64(v * mult), nil
}
