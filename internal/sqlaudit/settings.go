package sqlaudit

// sessionSettings are the settings a statement may change with set_config: the catalog
// session's (session.CatalogQuery), which bound the session's own memory and workers and
// touch nothing else. set_config with any other setting (default_transaction_read_only,
// search_path, role, ...) fails, as does a name that is not a constant.
var sessionSettings = map[string]bool{"work_mem": true, "max_parallel_workers_per_gather": true}

// isSessionSetting reports whether a FuncCall node is set_config of a sessionSettings
// name given as a string constant.
func isSessionSetting(v any) bool {
	if funcName(v) != "set_config" {
		return false
	}
	m, _ := v.(map[string]any)
	args, _ := m["args"].([]any)
	if len(args) != 3 {
		return false
	}
	c, _ := args[0].(map[string]any)["A_Const"].(map[string]any)
	s, _ := c["sval"].(map[string]any)
	name, _ := s["sval"].(string)
	return sessionSettings[name]
}
