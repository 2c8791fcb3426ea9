package workload

import (
	"context"
	_ "embed"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/pgcheckup/pgcheckup/checks"
)

var (
	//go:embed texts.sql
	textsQuery string
	//go:embed names.sql
	namesQuery string
)

// Text is what a report may show of a statement's text.
type Text struct {
	// Query is the text as pg_stat_statements holds it. Typed checks.QueryText, it is
	// normalized by the report's privacy pass (every literal and comment removed) unless
	// the run asked for none or, explicitly, raw.
	Query       checks.QueryText `json:"query"`
	Type        checks.Label     `json:"type"`
	Fingerprint string           `json:"fingerprint,omitempty"`
}

// Texts are the texts of some statements, and which statements are pgcheckup's own.
type Texts struct {
	ByID map[int64]Text
	// Own are the queryids of pgcheckup's own statements, for the caller to leave out of
	// the window: every one whose text starts with the marker comment (PostgreSQL 17 and
	// older keep it), and those of ids whose fingerprint is in the own set (18 stores the
	// text from the first token on, without the marker).
	Own map[int64]bool
}

// FetchTexts reads the texts of the statements ids names, from the extension in schema
// (Snapshot.ExtSchema), in one statement; own is the set OwnFingerprints gives (nil: the
// marker alone tells pgcheckup's statements apart, which fails on 18). The server reads its whole query-text file for
// it (showtext := true), so call it once, for the statements a report shows. The type and
// fingerprint are taken from the text the server holds (its constants already replaced by
// $n), before normalizing; raw texts are not kept.
//
// cache, when not nil, keeps what Describe made of each text for the other nodes of the
// run; the texts not in it are described in parallel, after the rows are read.
func FetchTexts(ctx context.Context, q checks.Querier, schema string, ids []int64, own map[string]bool, cache *DescribeCache) (*Texts, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	rows, err := q.Query(ctx, checks.InSchema(textsQuery, schema), ids)
	if err != nil {
		return nil, fmt.Errorf("read pg_stat_statements texts: %w", err)
	}
	defer rows.Close()
	t := &Texts{ByID: map[int64]Text{}, Own: map[int64]bool{}}
	var got []int64
	var queries []string
	for rows.Next() {
		var id int64
		var query *string
		var marked *bool
		if err := rows.Scan(&id, &query, &marked); err != nil {
			return nil, fmt.Errorf("read pg_stat_statements texts: %w", err)
		}
		if marked != nil && *marked {
			t.Own[id] = true
		}
		if _, asked := slices.BinarySearch(ids, id); !asked || query == nil {
			continue
		}
		got, queries = append(got, id), append(queries, *query)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read pg_stat_statements texts: %w", err)
	}
	for i, d := range cache.describeAll(queries) {
		t.ByID[got[i]] = d
		if d.Fingerprint != "" && own[d.Fingerprint] {
			t.Own[got[i]] = true
		}
	}
	return t, nil
}

// DescribeCache keeps Describe's result per text for one run (one cluster): the nodes
// of a cluster hold many of the same statements (a standby's queryids are its
// primary's, and their clients often run the same queries), and typing a long text
// costs a parse. Safe for concurrent use; the zero value is ready.
type DescribeCache struct {
	mu sync.Mutex
	m  map[string]Text
}

// describeAll describes queries, in order: those c knows from it, the others on every
// CPU at once (the node's session waits meanwhile, its rows all read). A nil c caches
// nothing.
func (c *DescribeCache) describeAll(queries []string) []Text {
	out := make([]Text, len(queries))
	var todo []int
	if c != nil {
		c.mu.Lock()
		for i, q := range queries {
			if d, ok := c.m[q]; ok {
				out[i] = d
			} else {
				todo = append(todo, i)
			}
		}
		c.mu.Unlock()
	} else {
		for i := range queries {
			todo = append(todo, i)
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := int(next.Add(1) - 1); j < len(todo); j = int(next.Add(1) - 1) {
				out[todo[j]] = Describe(queries[todo[j]])
			}
		}()
	}
	wg.Wait()
	if c != nil {
		c.mu.Lock()
		if c.m == nil {
			c.m = map[string]Text{}
		}
		for _, i := range todo {
			c.m[queries[i]] = out[i]
		}
		c.mu.Unlock()
	}
	return out
}

// OwnFingerprints returns the fingerprints of pgcheckup's statements (the SQL of every
// check's Queries, and Queries here) as sent with the extension in schema: constants,
// comments and whitespace do not change a fingerprint, schema names do.
func OwnFingerprints(schema string, sqls []string) map[string]bool {
	out := make(map[string]bool, len(sqls))
	for _, s := range sqls {
		if f := Fingerprint(checks.InSchema(s, schema)); f != "" {
			out[f] = true
		}
	}
	return out
}

// Describe types and fingerprints one text. The text is kept as the server holds it,
// typed checks.QueryText: the report's privacy pass applies the run's query-text policy
// to it (normalized by default: every literal and comment removed; none; or raw, the
// explicit opt-in), as to every query text.
func Describe(query string) Text {
	return Text{Type: Classify(query), Fingerprint: Fingerprint(query), Query: checks.QueryText(query)}
}

// Names resolves user and database oids to names, in one statement. An oid that no longer
// names anything is missing from the maps.
func Names(ctx context.Context, q checks.Querier, users, dbs []uint32) (map[uint32]checks.Name, map[uint32]checks.Name, error) {
	u, d := map[uint32]checks.Name{}, map[uint32]checks.Name{}
	rows, err := q.Query(ctx, namesQuery, users, dbs)
	if err != nil {
		return nil, nil, fmt.Errorf("read role and database names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var oid uint32
		var name checks.Name
		if err := rows.Scan(&kind, &oid, &name); err != nil {
			return nil, nil, fmt.Errorf("read role and database names: %w", err)
		}
		if kind == "u" {
			u[oid] = name
		} else {
			d[oid] = name
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("read role and database names: %w", err)
	}
	return u, d, nil
}
