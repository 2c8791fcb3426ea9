package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
)

// The benchmark cluster logs every statement (log_statement = all) with the prefix
// '%m [%p] %q%u@%d/%a ': a statement of pgcheckup's is a line "[pid] user@db/pgcheckup
// LOG:  statement: ..." (simple protocol) or "... LOG:  execute <name>: ..." (extended).
// Counting them in the log is exact: failed statements count too, and nothing is
// sampled or evicted as in pg_stat_statements.
var (
	stmtLine = regexp.MustCompile(`^\S+ \S+ \S+ \[(\d+)\] [^ ]*/pgcheckup LOG:  (?:statement|execute [^:]*): `)
	anyLine  = regexp.MustCompile(`^\S+ \S+ \S+ \[(\d+)\] [^ ]*/pgcheckup `)
)

// logSize is where the log ends now: what a run adds starts there.
func logSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// countLog counts pgcheckup's statements after offset, and its connections as the
// distinct backends that logged under its application_name.
func countLog(path string, offset int64) (statements, connections int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return 0, 0, err
	}
	pids := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := anyLine.FindStringSubmatch(line); m != nil {
			pids[m[1]] = true
			if stmtLine.MatchString(line) {
				statements++
			}
		}
	}
	if err := sc.Err(); err != nil {
		return 0, 0, fmt.Errorf("read server log: %w", err)
	}
	return statements, len(pids), nil
}
