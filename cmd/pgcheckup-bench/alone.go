package main

import (
	"context"
	"fmt"
	"os"
	"sort"

	"github.com/pgcheckup/pgcheckup/report"
)

// alone runs each check of rep by itself (--checks ID) and prints, slowest first, its wall
// time, the peak private memory of its backend and the temporary files it wrote. Whole-run
// figures say whether a target is met; these say which check to look at. A run's fixed
// cost (start, connect, identify the node, write the report) is in every line.
func alone(ctx context.Context, b *bench, rep *report.Report) error {
	type line struct {
		id string
		r  runResult
	}
	var lines []line
	for _, c := range rep.Checks {
		id := c.ID
		fmt.Fprintf(os.Stderr, "  alone: %s\n", id)
		r, err := b.pgcheckup(ctx, "--checks", id)
		if err != nil {
			return fmt.Errorf("%s alone: %w", id, err)
		}
		lines = append(lines, line{id, r})
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].r.Wall > lines[j].r.Wall })
	fmt.Println("\neach check alone (one run each; wall includes the run's fixed cost):")
	fmt.Println("| check | wall | backend RssAnon | temp files | statements |\n|---|---:|---:|---:|---:|")
	for _, l := range lines {
		fmt.Printf("| %s | %s | %s | %s | %d |\n", l.id, secs(l.r.Wall), mb(l.r.BackendKB),
			tempText(l.r.TempBytes, l.r.TempFiles), l.r.Statements)
	}
	return nil
}

func tempText(bytes, files int64) string {
	return fmt.Sprintf("%.1f MiB / %d", float64(bytes)/(1<<20), files)
}
