package reporttest

import (
	"encoding/json"
	"fmt"
	"os"
)

// WriteBig writes to path a copy of the report at sample whose data arrays are repeated
// until the file holds at least size bytes: a large report for memory benchmarks, with
// the shapes real checks write (templates render every repeated row).
func WriteBig(sample, path string, size int) error {
	b, err := os.ReadFile(sample)
	if err != nil {
		return err
	}
	for k := max(2, size/len(b)); ; k += max(1, k/20) {
		var r map[string]any
		if err := json.Unmarshal(b, &r); err != nil {
			return fmt.Errorf("read sample: %w", err)
		}
		checks, _ := r["checks"].([]any)
		for _, c := range checks {
			results, _ := c.(map[string]any)["results"].([]any)
			for _, res := range results {
				data, _ := res.(map[string]any)["data"].(map[string]any)
				for key, v := range data {
					if list, ok := v.([]any); ok && len(list) > 0 {
						var rep []any
						for range k {
							rep = append(rep, list...)
						}
						data[key] = rep
					}
				}
			}
		}
		out, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return err
		}
		if len(out) >= size {
			return os.WriteFile(path, out, 0o600)
		}
	}
}
