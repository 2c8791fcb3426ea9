package g005

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
)

func set(name, value string) pgsettings.Converted {
	return pgsettings.Convert(pgsettings.Row{Setting: checks.Setting{Name: checks.Name(name), Value: checks.Text(value)},
		BootVal: checks.Text(value), Source: "default"})
}

// defaults18 is a fresh PostgreSQL 18.
func defaults18() []pgsettings.Converted {
	return []pgsettings.Converted{
		set("bgwriter_lru_maxpages", "100"), set("bgwriter_lru_multiplier", "2"),
		set("effective_io_concurrency", "16"), set("maintenance_io_concurrency", "16"),
		set("io_method", "worker"), set("random_page_cost", "4"),
	}
}

// defaults12 is a fresh PostgreSQL 12: no maintenance_io_concurrency, no io_method.
func defaults12() []pgsettings.Converted {
	return []pgsettings.Converted{set("bgwriter_lru_maxpages", "100"), set("bgwriter_lru_multiplier", "2"),
		set("effective_io_concurrency", "1"), set("random_page_cost", "4")}
}

func with(list []pgsettings.Converted, kv ...string) []pgsettings.Converted {
	out := append([]pgsettings.Converted(nil), list...)
	for i := 0; i < len(kv); i += 2 {
		for j, s := range out {
			if string(s.Name) == kv[i] {
				out[j] = set(kv[i], kv[i+1])
			}
		}
	}
	return out
}

func TestAnalyze(t *testing.T) {
	type sev = map[string]checks.Severity
	cases := []struct {
		name string
		list []pgsettings.Converted
		want sev
	}{
		{"18 defaults", defaults18(), nil},
		{"12 defaults", defaults12(), nil},
		{"bgwriter maxpages 0", with(defaults18(), "bgwriter_lru_maxpages", "0"), sev{"G005/bgwriter-disabled": checks.P3}},
		{"bgwriter multiplier 0", with(defaults18(), "bgwriter_lru_multiplier", "0"), sev{"G005/bgwriter-disabled": checks.P3}},
		{"bgwriter multiplier 0.1", with(defaults18(), "bgwriter_lru_multiplier", "0.1"), nil},
		{"prefetch off", with(defaults18(), "effective_io_concurrency", "0"), sev{"G005/prefetch-disabled": checks.P3}},
		{"maintenance prefetch off", with(defaults18(), "maintenance_io_concurrency", "0"), sev{"G005/prefetch-disabled": checks.P3}},
		{"12, ssd costs, eic 1", with(defaults12(), "random_page_cost", "1.1"), sev{"G005/io-concurrency-low": checks.P3}},
		{"12, rpc 2, eic 1", with(defaults12(), "random_page_cost", "2"), sev{"G005/io-concurrency-low": checks.P3}},
		{"12, rpc 2.1, eic 1", with(defaults12(), "random_page_cost", "2.1"), nil},
		{"12, ssd costs, eic 2", with(defaults12(), "random_page_cost", "1.1", "effective_io_concurrency", "2"), nil},
		{"18, ssd costs, default eic", with(defaults18(), "random_page_cost", "1.1"), nil},
		{"io_method sync", with(defaults18(), "io_method", "sync"), sev{"G005/io-method-sync": checks.Info}},
		{"io_method io_uring", with(defaults18(), "io_method", "io_uring"), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := sev{}
			for _, f := range analyze(Data{Settings: tc.list}, New().cfg) {
				got[f.Code] = f.Severity
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for code, s := range tc.want {
				if got[code] != s {
					t.Errorf("%s: got %v, want %v", code, got[code], s)
				}
			}
		})
	}
}
