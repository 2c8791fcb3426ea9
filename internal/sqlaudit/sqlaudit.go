// Package sqlaudit proves what pgcheckup sends: every statement is one read-only SELECT
// over catalogs and statistics views that calls only allowlisted functions.
package sqlaudit

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// allowedFuncs are the functions a statement may call: catalog, statistics, formatting
// and aggregate functions that read metadata and change nothing. Anything else (nextval,
// txid_current, pg_sleep, pg_read_file, dblink, pg_logical_slot_get_changes, ...) fails.
var allowedFuncs = map[string]bool{}

func init() {
	for _, f := range strings.Fields(`
		current_setting current_database current_user session_user version now age mxid_age
		pg_is_in_recovery pg_has_role has_database_privilege has_table_privilege has_schema_privilege
		has_sequence_privilege has_column_privilege has_any_column_privilege has_function_privilege
		pg_database_size pg_relation_size pg_total_relation_size pg_table_size pg_indexes_size
		pg_size_pretty pg_get_indexdef pg_get_constraintdef pg_get_expr pg_get_userbyid
		pg_postmaster_start_time pg_conf_load_time pg_stat_get_db_stat_reset_time
		pg_current_wal_lsn pg_current_wal_insert_lsn pg_current_wal_flush_lsn pg_last_wal_receive_lsn
		pg_last_wal_replay_lsn pg_last_xact_replay_timestamp pg_wal_lsn_diff pg_is_wal_replay_paused
		pg_get_wal_replay_pause_state pg_walfile_name pg_control_checkpoint pg_control_system
		pg_backend_pid pg_blocking_pids pg_snapshot_xmin pg_current_snapshot txid_snapshot_xmin
		txid_current_snapshot pg_stat_statements pg_stat_statements_info pg_stat_get_backend_pid
		pg_stat_get_activity pg_stat_get_live_tuples pg_stat_get_dead_tuples pg_stat_get_numscans
		pg_stat_get_tuples_returned pg_stat_get_last_autovacuum_time pg_encoding_to_char
		pg_stat_get_last_vacuum_time pg_stat_get_last_analyze_time pg_stat_get_last_autoanalyze_time
		pg_stat_get_mod_since_analyze pg_stat_get_vacuum_count pg_stat_get_autovacuum_count
		pg_stat_get_analyze_count pg_stat_get_autoanalyze_count pg_stat_get_tuples_updated
		pg_stat_get_tuples_deleted pg_stat_get_tuples_inserted pg_stat_get_tuples_hot_updated
		pg_tablespace_location pg_get_serial_sequence pg_sequence_last_value pg_describe_object
		pg_identify_object pg_relation_filenode pg_relation_filepath pg_column_size
		pgstattuple_approx pgstatindex pgstattuple pg_ls_waldir
		format format_type quote_ident quote_literal obj_description col_description
		count sum min max avg round ceil floor trunc abs greatest least coalesce nullif div mod
		power sqrt ln log exp
		array_agg string_agg json_agg jsonb_agg json_build_object jsonb_build_object json_object_agg
		jsonb_object_agg array_length array_position array_to_string cardinality unnest
		array_remove array_append array_cat generate_series generate_subscripts
		lower upper length char_length octet_length substr substring split_part strpos position
		replace regexp_replace regexp_match regexp_matches starts_with left right trim btrim ltrim rtrim
		concat concat_ws lpad rpad to_char to_number to_timestamp date_part extract date_trunc
		clock_timestamp statement_timestamp transaction_timestamp timezone make_interval
		bool_and bool_or every row_number rank dense_rank percentile_cont percentile_disc
		int4 int8 float8 numeric text xid8 bit_length
	`) {
		allowedFuncs[f] = true
	}
}

// systemRelation: statements may read only catalogs, statistics views and extension views.
var systemRelation = regexp.MustCompile(`^(pg_[a-z0-9_]+)$`)

// Check fails unless sql is exactly one SELECT that reads only system relations,
// modifies nothing, locks no rows and calls only allowlisted functions.
func Check(sql string) error {
	tree, err := pg_query.ParseToJSON(sql)
	if err != nil {
		return fmt.Errorf("does not parse: %w", err)
	}
	var doc struct {
		Stmts []struct {
			Stmt map[string]any `json:"stmt"`
		} `json:"stmts"`
	}
	if err := json.Unmarshal([]byte(tree), &doc); err != nil {
		return err
	}
	if len(doc.Stmts) != 1 {
		return fmt.Errorf("%d statements, want exactly one", len(doc.Stmts))
	}
	sel, ok := doc.Stmts[0].Stmt["SelectStmt"]
	if !ok {
		return fmt.Errorf("not a SELECT")
	}
	ctes := map[string]bool{}
	var problems []string
	visit(sel, func(k string, e any) {
		switch k {
		case "InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt":
			problems = append(problems, "data-modifying statement "+k)
		case "lockingClause":
			problems = append(problems, "FOR UPDATE/SHARE")
		case "intoClause":
			problems = append(problems, "SELECT INTO")
		case "CommonTableExpr":
			if m, ok := e.(map[string]any); ok {
				if n, ok := m["ctename"].(string); ok {
					ctes[n] = true
				}
			}
		case "FuncCall":
			if name := funcName(e); !allowedFuncs[name] && !isHelperCall(e) && !isSessionSetting(e) {
				problems = append(problems, "call to "+name+" (not in the allowlist)")
			}
		}
	})
	// Relations are checked after the walk, once every CTE name is known.
	visit(sel, func(k string, e any) {
		if k != "RangeVar" {
			return
		}
		m, _ := e.(map[string]any)
		schema, _ := m["schemaname"].(string)
		rel, _ := m["relname"].(string)
		switch {
		case schema == "" && ctes[rel]:
		case schema == "pg_catalog" || schema == "information_schema":
		case systemRelation.MatchString(rel):
		default:
			problems = append(problems, fmt.Sprintf("reads relation %s.%s (not a catalog or statistics view)", schema, rel))
		}
	})
	if len(problems) > 0 {
		sort.Strings(problems)
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}

// visit calls f with every key and value of a pg_query JSON tree, depth first.
func visit(v any, f func(key string, val any)) {
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			visit(e, f)
		}
	case map[string]any:
		for k, e := range x {
			f(k, e)
			visit(e, f)
		}
	}
}

func funcName(v any) string {
	m, _ := v.(map[string]any)
	parts, _ := m["funcname"].([]any)
	if len(parts) == 0 {
		return "?"
	}
	last, _ := parts[len(parts)-1].(map[string]any)
	s, _ := last["String"].(map[string]any)
	name, _ := s["sval"].(string)
	return name
}
