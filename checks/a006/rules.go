package a006

import (
	"math"
	"strconv"
	"strings"

	"github.com/pgcheckup/pgcheckup/checks"
)

// ignoredSettings may differ between the nodes of a healthy cluster: they name the node
// (paths, addresses, cluster_name), describe its role (a standby is read-only and has a
// primary to follow; recovery targets and a deliberate apply delay are per standby), or
// are the state of pgcheckup's own session. The version is A002's to compare, and the
// shared memory sizes follow from the settings they are computed from (compared
// themselves) and from the host's huge page size.
var ignoredSettings = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range []string{
		"transaction_read_only", "transaction_isolation", "transaction_deferrable",
		"default_transaction_read_only", "in_hot_standby",
		"primary_conninfo", "primary_slot_name", "promote_trigger_file",
		"restore_command", "archive_cleanup_command", "recovery_end_command", "recovery_min_apply_delay",
		"data_directory", "config_file", "hba_file", "ident_file", "external_pid_file",
		"port", "listen_addresses", "unix_socket_directories", "cluster_name",
		"server_version", "server_version_num",
		"shared_memory_size", "shared_memory_size_in_huge_pages",
	} {
		m[n] = true
	}
	return m
}()

// ignored reports whether name is left out of the comparison: ignoredSettings and the
// recovery target family (recovery_target, recovery_target_lsn, ...). recovery_prefetch
// and recovery_init_sync_method are compared: they shape replay and crash recovery alike.
func ignored(name string) bool {
	return ignoredSettings[name] || strings.HasPrefix(name, "recovery_target")
}

// mustNotBeLower are the settings a hot standby needs at least as high as its primary's:
// the primary writes its values into the WAL, and a standby with a lower one stops
// (PostgreSQL 12, 13) or pauses replay (14 and later) until it is raised and restarted.
var mustNotBeLower = map[string]bool{
	"max_connections": true, "max_worker_processes": true, "max_wal_senders": true,
	"max_prepared_transactions": true, "max_locks_per_transaction": true,
}

// mattersAfterFailover are settings, beside the memory ones and the name families in
// severity, whose difference changes how a promoted standby behaves.
var mattersAfterFailover = map[string]bool{
	"shared_preload_libraries": true, "fsync": true, "full_page_writes": true, "synchronous_commit": true,
	"superuser_reserved_connections": true, "reserved_connections": true, "huge_pages": true,
	"hot_standby_feedback": true, "track_commit_timestamp": true, "data_sync_retry": true,
}

// class is the severity of a difference in setting s, without the P1 rule (which needs
// the values): P2 for memory, WAL, checkpoints, archiving, connections, autovacuum and
// max_* settings and mattersAfterFailover; P3 for the others.
func class(name string, unit string) checks.Severity {
	if _, ok := byteUnit(unit); ok {
		return checks.P2
	}
	for _, p := range []string{"wal_", "max_", "min_wal", "checkpoint_", "archive_", "autovacuum"} {
		if strings.HasPrefix(name, p) {
			return checks.P2
		}
	}
	if mattersAfterFailover[name] || mustNotBeLower[name] {
		return checks.P2
	}
	return checks.P3
}

// listSettings hold comma-separated lists; spaces after the commas do not matter.
var listSettings = map[string]bool{
	"shared_preload_libraries": true, "session_preload_libraries": true, "local_preload_libraries": true,
	"search_path": true, "temp_tablespaces": true, "synchronous_standby_names": true, "log_destination": true,
	"debug_io_direct": true,
}

// value is a setting normalized for comparison.
type value struct {
	key     string  // equal keys are equal values
	display string  // as a DBA writes it in postgresql.conf
	num     float64 // base units (bytes, seconds); valid when numeric
	numeric bool
}

// normalize returns s's value in a form that compares equal across units and spellings:
// memory in bytes, time in seconds, booleans as on/off, enums in lower case, lists
// without the spaces between items. -1 and other negative numbers are special values
// ("use another setting", "disabled") and are compared as they are.
func normalize(s Setting) value {
	raw := strings.TrimSpace(string(s.Value))
	unit := string(s.Unit)
	switch string(s.VarType) {
	case "bool":
		switch strings.ToLower(raw) {
		case "on", "true", "yes", "1", "t", "y":
			return value{key: "on", display: "on"}
		case "off", "false", "no", "0", "f", "n":
			return value{key: "off", display: "off"}
		}
	case "enum":
		return value{key: strings.ToLower(raw), display: raw}
	case "integer", "real":
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			break
		}
		if mult, ok := byteUnit(unit); ok && v > 0 {
			b := v * float64(mult)
			return value{key: "B:" + fmtNum(b), display: showBytes(b), num: b, numeric: true}
		}
		if mult, ok := timeUnit(unit); ok && v > 0 {
			sec := v * mult
			return value{key: "s:" + fmtNum(sec), display: showSeconds(sec), num: sec, numeric: true}
		}
		return value{key: fmtNum(v), display: raw, num: v, numeric: true}
	case "string":
		if listSettings[string(s.Name)] {
			parts := strings.Split(raw, ",")
			for i := range parts {
				parts[i] = strings.TrimSpace(parts[i])
			}
			if len(parts) == 1 && parts[0] == "" {
				parts = nil
			}
			j := strings.Join(parts, ", ")
			return value{key: j, display: j}
		}
	}
	return value{key: raw, display: raw}
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// byteUnit maps pg_settings' memory units ("B", "kB", "8kB", "MB", "16MB") to bytes.
func byteUnit(unit string) (int64, bool) {
	num := strings.TrimRight(unit, "kMGTB")
	n := int64(1)
	if num != "" {
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil || v <= 0 {
			return 0, false
		}
		n = v
	}
	switch strings.TrimPrefix(unit, num) {
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

// timeUnit maps pg_settings' time units to seconds.
func timeUnit(unit string) (float64, bool) {
	m, ok := map[string]float64{"us": 1e-6, "ms": 1e-3, "s": 1, "min": 60, "h": 3600, "d": 86400}[unit]
	return m, ok
}

// showBytes writes b the way postgresql.conf takes it: in the largest unit that divides
// it ("8MB", "1536kB").
func showBytes(b float64) string {
	for _, u := range []struct {
		name string
		size float64
	}{{"TB", 1 << 40}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"kB", 1 << 10}} {
		if q := b / u.size; q >= 1 && q == math.Trunc(q) {
			return fmtNum(q) + u.name
		}
	}
	return fmtNum(b) + "B"
}

// showSeconds writes sec the way postgresql.conf takes it ("5min", "200ms", "1d").
func showSeconds(sec float64) string {
	us := math.Round(sec * 1e6)
	for _, u := range []struct {
		name string
		size float64
	}{{"d", 86400e6}, {"h", 3600e6}, {"min", 60e6}, {"s", 1e6}, {"ms", 1e3}} {
		if q := us / u.size; q >= 1 && q == math.Trunc(q) {
			return fmtNum(q) + u.name
		}
	}
	return fmtNum(us) + "us"
}
