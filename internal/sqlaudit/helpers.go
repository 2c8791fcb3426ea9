package sqlaudit

// helperFuncs are the functions `pgcheckup setup` installs in schema pgcheckup: read-only
// by their own audit (internal/setup), and called only after checks.Helpers has matched
// them with what setup writes. Allowed only with that schema.
var helperFuncs = map[string]bool{"column_stats": true, "sequences": true}

// isHelperCall reports whether a FuncCall node calls pgcheckup.<helper>.
func isHelperCall(v any) bool {
	m, _ := v.(map[string]any)
	parts, _ := m["funcname"].([]any)
	if len(parts) != 2 {
		return false
	}
	var names []string
	for _, p := range parts {
		s, _ := p.(map[string]any)["String"].(map[string]any)
		name, _ := s["sval"].(string)
		names = append(names, name)
	}
	return names[0] == "pgcheckup" && helperFuncs[names[1]]
}
