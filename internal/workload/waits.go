package workload

import (
	"cmp"
	"context"
	_ "embed"
	"fmt"
	"slices"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
)

var (
	//go:embed waits_version.sql
	waitsVersionQuery string
	//go:embed waits.sql
	waitsQuery string
	//go:embed waits_pg14.sql
	waitsQuery14 string
)

// CPU is the wait event type and event of an active session that waits on nothing:
// it runs (or waits for a CPU, which pg_stat_activity cannot tell apart).
const CPU checks.Label = "CPU"

// sampleTimeout bounds one sample's statement. The samples do not run under the
// window's context: the end of the window must not cancel a statement half-way, which
// would cost the session the second snapshot needs.
const sampleTimeout = 5 * time.Second

// WaitQueries are the statements SampleWaits sends (N001's marker), for `pgcheckup sql`,
// the registry's audits and the hostile-catalog test: the server version once, then one
// statement per sample, chosen by it (pg_stat_activity.query_id came with 14).
func WaitQueries() []checks.Query {
	return []checks.Query{
		{Name: "waits_version.sql", SQL: waitsVersionQuery},
		{Name: "waits.sql", MaxVersion: 140000, SQL: waitsQuery},
		{Name: "waits.sql", MinVersion: 140000, SQL: waitsQuery14},
	}
}

// SampleWaits samples pg_stat_activity on q every interval, the first sample at once,
// until ctx ends or max samples were taken (max <= 0: until ctx ends). Each sample is one
// statement counting the other client backends that are active, by wait event type and
// event (CPU for a session not waiting) and by queryid (pg_stat_activity.query_id: 14
// and newer with compute_query_id on; else 0). Without pg_read_all_stats the other roles'
// sessions show no state and are not counted.
//
// The end of ctx is the normal end: the profile so far is returned with a nil error. An
// error of a sample ends the sampling; it is returned with the profile so far.
func SampleWaits(ctx context.Context, q checks.Querier, interval time.Duration, max int) (*WaitProfile, error) {
	if interval <= 0 {
		return nil, fmt.Errorf("sample wait events: interval %s is not positive", interval)
	}
	p := &WaitProfile{Interval: interval}
	if ctx.Err() != nil {
		return p, nil
	}
	version, err := serverVersion(ctx, q)
	if err != nil {
		return p, err
	}
	sql, _ := checks.Pick(WaitQueries(), "waits.sql", version)
	counts := map[waitKey]int{}
	defer func() { p.Waits = sortWaits(counts) }()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if err := sampleOnce(ctx, q, sql, counts); err != nil {
			return p, err
		}
		p.Samples++
		if max > 0 && p.Samples >= max {
			return p, nil
		}
		select {
		case <-ctx.Done():
			return p, nil
		case <-tick.C:
		}
		if ctx.Err() != nil { // both ready: the end wins
			return p, nil
		}
	}
}

type waitKey struct {
	typ, event checks.Label
	queryID    int64
}

func serverVersion(ctx context.Context, q checks.Querier) (int, error) {
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), sampleTimeout)
	defer cancel()
	var v int
	if err := q.QueryRow(c, waitsVersionQuery).Scan(&v); err != nil {
		return 0, fmt.Errorf("sample wait events: read the server version: %w", err)
	}
	return v, nil
}

func sampleOnce(ctx context.Context, q checks.Querier, sql string, counts map[waitKey]int) error {
	c, cancel := context.WithTimeout(context.WithoutCancel(ctx), sampleTimeout)
	defer cancel()
	rows, err := q.Query(c, sql)
	if err != nil {
		return fmt.Errorf("sample wait events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k waitKey
		var n int
		if err := rows.Scan(&k.typ, &k.event, &k.queryID, &n); err != nil {
			return fmt.Errorf("sample wait events: %w", err)
		}
		counts[k] += n
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sample wait events: %w", err)
	}
	return nil
}

// sortWaits orders the counts by how often they were seen, most first.
func sortWaits(counts map[waitKey]int) []Wait {
	out := make([]Wait, 0, len(counts))
	for k, n := range counts {
		out = append(out, Wait{Type: k.typ, Event: k.event, QueryID: k.queryID, Count: n})
	}
	slices.SortFunc(out, compareWaits)
	return out
}

func compareWaits(a, b Wait) int {
	return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Event, b.Event),
		cmp.Compare(a.QueryID, b.QueryID))
}

// QueryIDs are the queryids the samples saw (0 left out), sorted: the statements whose
// texts N001 shows.
func (p *WaitProfile) QueryIDs() []int64 {
	if p == nil {
		return nil
	}
	var ids []int64
	for _, w := range p.Waits {
		if w.QueryID != 0 {
			ids = append(ids, w.QueryID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}
