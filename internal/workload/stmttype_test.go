package workload

import (
	"github.com/pgcheckup/pgcheckup/internal/privacy"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func TestClassify(t *testing.T) {
	for q, want := range map[string]checks.Label{
		"SELECT a FROM t WHERE id = $1":                                              TypeSelect,
		"select 1":                                                                   TypeSelect,
		"SELECT a FROM t UNION ALL SELECT b FROM u":                                  TypeSelect,
		"WITH x AS (SELECT 1) SELECT * FROM x":                                       TypeSelect,
		"SELECT * FROM t WHERE id = $1 FOR UPDATE":                                   TypeSelectForUpdate,
		"SELECT * FROM t FOR NO KEY UPDATE SKIP LOCKED":                              TypeSelectForUpdate,
		"SELECT * FROM t FOR SHARE":                                                  TypeSelectForUpdate,
		"SELECT * INTO new_t FROM t":                                                 TypeDDL,
		"INSERT INTO t VALUES ($1, $2) ON CONFLICT DO NOTHING":                       TypeInsert,
		"UPDATE t SET a = $1 WHERE id = $2":                                          TypeUpdate,
		"DELETE FROM t WHERE id = $1":                                                TypeDelete,
		"WITH d AS (DELETE FROM t WHERE id = $1 RETURNING *) SELECT count(*) FROM d": TypeDelete,
		"WITH d AS (DELETE FROM t RETURNING *) INSERT INTO a SELECT * FROM d":        TypeInsert,
		"MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a":   TypeMerge,
		"COPY t FROM STDIN":                                                          TypeCopy,
		"COPY (SELECT 1) TO STDOUT":                                                  TypeCopy,
		"CREATE TABLE t (id int)":                                                    TypeDDL,
		"CREATE INDEX CONCURRENTLY i ON t (a)":                                       TypeDDL,
		"ALTER TABLE t ADD COLUMN b int":                                             TypeDDL,
		"DROP TABLE t":                                                               TypeDDL,
		"CREATE TABLE a AS SELECT 1":                                                 TypeDDL,
		"CREATE VIEW v AS SELECT 1":                                                  TypeDDL,
		"GRANT SELECT ON t TO r":                                                     TypeDDL,
		"COMMENT ON TABLE t IS 'x'":                                                  TypeDDL,
		"ALTER SYSTEM SET work_mem = '1GB'":                                          TypeDDL,
		"REFRESH MATERIALIZED VIEW m":                                                TypeDDL,
		"TRUNCATE t":                                                                 TypeUtility,
		"VACUUM ANALYZE t":                                                           TypeUtility,
		"SET work_mem = '64kB'":                                                      TypeUtility,
		"BEGIN":                                                                      TypeUtility,
		"EXPLAIN SELECT 1":                                                           TypeUtility,
		"CALL p($1)":                                                                 TypeUtility,
		"DO $$BEGIN END$$":                                                           TypeUtility,
		"SELEC oops":                                                                 TypeUnknown,
		"":                                                                           TypeUnknown,
		"SELECT 1; DELETE FROM t":                                                    TypeSelect,
	} {
		if got := Classify(q); got != want {
			t.Errorf("Classify(%q) = %s, want %s", q, got, want)
		}
	}
}

func TestFingerprintGroups(t *testing.T) {
	a1 := Describe("SELECT * FROM orders WHERE id = $1")
	a2 := Describe("select *  from orders where id = $2 /* other db */")
	b := Describe("SELECT * FROM orders WHERE customer = $1")
	if a1.Fingerprint == "" || a1.Fingerprint != a2.Fingerprint || a1.Fingerprint == b.Fingerprint {
		t.Fatalf("fingerprints %q %q %q", a1.Fingerprint, a2.Fingerprint, b.Fingerprint)
	}
	if Describe("SELEC oops").Fingerprint != "" {
		t.Fatal("an unparsable text has a fingerprint")
	}
	texts := map[int64]Text{1: a1, 2: a2, 3: b}
	d := func(id int64, user uint32, ms float64, hidden bool) EntryDelta {
		return EntryDelta{Key: Key{QueryID: id, UserID: user, DBID: 1, TopLevel: true, Hidden: hidden},
			Counters: Counters{Calls: 1, ExecMS: ms}}
	}
	// queryid 1 run by two roles, 2 (the same query in another database), 3, a hidden
	// sum and a statement without a fetched text
	groups := GroupByFingerprint([]EntryDelta{d(3, 10, 50, false), d(1, 10, 40, false), d(2, 11, 30, false), d(1, 12, 20, false), d(0, 13, 5, true), d(9, 10, 1, false)}, texts)
	if len(groups) != 4 {
		t.Fatalf("%d groups: %+v", len(groups), groups)
	}
	g := groups[0]
	if g.ExecMS != 90 || len(g.Parts) != 3 || g.Fingerprint != a1.Fingerprint || g.Type != TypeSelect || g.Query != a1.Query {
		t.Fatalf("group %+v", g)
	}
	if groups[1].ExecMS != 50 || groups[2].Type != TypeUnknown || groups[3].Fingerprint != "" {
		t.Fatalf("groups %+v", groups)
	}
}

// TestDescribeLeavesThePolicyToThePrivacyPass: the text stays as the server holds it,
// typed QueryText, so the run's query-text policy applies (raw is an explicit opt-in);
// normalized, as by default, nothing of the literal or the comment is left.
func TestDescribeLeavesThePolicyToThePrivacyPass(t *testing.T) {
	in := "ALTER ROLE app PASSWORD 'hunter2' /* user=alice */"
	d := Describe(in)
	if d.Type != TypeDDL || string(d.Query) != in {
		t.Errorf("type %s, text %q", d.Type, d.Query)
	}
	for _, leak := range []string{"hunter2", "alice"} {
		if n := privacy.NormalizeQuery(string(d.Query)); strings.Contains(n, leak) {
			t.Errorf("normalized text %q still holds %q", n, leak)
		}
	}
}

// BenchmarkGroupByFingerprint groups a window of 5,000 entries (pg_stat_statements'
// default max), most of them without a fetched text, as at the bench's catalogs.
func BenchmarkGroupByFingerprint(b *testing.B) {
	var ds []EntryDelta
	texts := map[int64]Text{}
	for i := range 5000 {
		d := EntryDelta{Key: Key{QueryID: int64(i), UserID: 10, DBID: 5}, Status: Exact}
		d.Calls, d.ExecMS = int64(i), float64(i%97)
		ds = append(ds, d)
		if i%50 == 0 {
			texts[int64(i)] = Text{Fingerprint: strings.Repeat("f", i%7+1), Query: "SELECT"}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		GroupByFingerprint(ds, texts)
	}
}

// TestDescribeCache: texts described in parallel, from the cache or not, come back in
// order and as Describe makes them; a nil cache describes every text.
func TestDescribeCache(t *testing.T) {
	qs := []string{"SELECT 1", "DELETE FROM t WHERE id = $1", "SELEC oops", "SELECT 1", "CREATE TABLE t (a int)"}
	var c DescribeCache
	for round := range 2 {
		for name, got := range map[string][]Text{"cache": c.describeAll(qs), "nil": (*DescribeCache)(nil).describeAll(qs)} {
			for i, q := range qs {
				if want := Describe(q); got[i] != want {
					t.Errorf("round %d, %s: %q gave %+v, want %+v", round, name, q, got[i], want)
				}
			}
		}
	}
	if len(c.m) != 4 {
		t.Errorf("the cache holds %d texts, want the 4 distinct", len(c.m))
	}
}
