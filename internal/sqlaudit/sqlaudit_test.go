package sqlaudit

import "testing"

func TestAuditSQLRejects(t *testing.T) {
	bad := []string{
		"SELECT * FROM users",
		"SELECT nextval('s')",
		"SELECT txid_current()",
		"WITH d AS (DELETE FROM pg_class RETURNING 1) SELECT * FROM d",
		"SELECT * FROM pg_class FOR UPDATE",
		"SELECT 1; SELECT 2",
		"UPDATE pg_class SET relname = 'x'",
		"SELECT * INTO t FROM pg_class",
		"SELECT pg_catalog.pg_sleep(1)",
		"SELECT * FROM pg_logical_slot_get_changes('s', NULL, NULL)",
		"SELECT * FROM public.accounts",
		"SELECT pg_catalog.set_config('default_transaction_read_only', 'off', false)",
		"SELECT pg_catalog.set_config('search_path', 'public', false)",
		"SELECT pg_catalog.set_config($1, '0', false)",
		"SELECT pg_catalog.set_config(name, '0', false) FROM pg_catalog.pg_settings",
	}
	for _, s := range bad {
		if Check(s) == nil {
			t.Errorf("AuditSQL accepted %q", s)
		}
	}
	if err := Check("SELECT pg_catalog.set_config('work_mem', $1, false), pg_catalog.set_config('max_parallel_workers_per_gather', '0', false)"); err != nil {
		t.Errorf("AuditSQL rejected the catalog session's settings: %v", err)
	}
	good := "WITH x AS (SELECT oid FROM pg_catalog.pg_class) SELECT count(*) FROM x JOIN pg_stat_user_tables s ON s.relid = x.oid"
	if err := Check(good); err != nil {
		t.Errorf("AuditSQL rejected a catalog query: %v", err)
	}
}
