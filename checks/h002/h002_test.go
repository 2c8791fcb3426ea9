package h002

import (
	"strings"
	"testing"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/internal/sqlaudit"
)

var now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func ago(days float64) *time.Time {
	t := now.Add(-time.Duration(days * 24 * float64(time.Hour)))
	return &t
}

func sz(b int64) *int64 { return &b }

func base(ix ...Index) Data {
	return Data{Indexes: ix, Total: len(ix), TopN: 50, MinSizeBytes: 1 << 20, MinStatsAgeDays: 30, TrackCounts: true,
		StatsReset: ago(40), PostmasterStart: *ago(10)}
}

func idx(mod func(*Index)) Index {
	i := Index{Schema: "public", Name: "t_a_idx", Table: "t", Ident: "public.t_a_idx", SizeBytes: sz(2 << 20),
		Definition: "CREATE INDEX t_a_idx ON public.t USING btree (a)", SupportsFKs: []checks.Name{}}
	if mod != nil {
		mod(&i)
	}
	return i
}

func TestFillStatsAge(t *testing.T) {
	cases := []struct {
		name  string
		d     Data
		since *time.Time
		basis checks.Label
		young bool
	}{
		{"reset known and old", Data{StatsReset: ago(40), PostmasterStart: *ago(2)}, ago(40), "stats_reset", false},
		{"reset exactly at the limit", Data{StatsReset: ago(30), PostmasterStart: *ago(2)}, ago(30), "stats_reset", false},
		{"reset just under the limit", Data{StatsReset: ago(29.9)}, ago(29.9), "stats_reset", true},
		{"never reset: server start", Data{PostmasterStart: *ago(50), CrashReset: ago(60)}, ago(50), "lower_bound", false},
		{"never reset: crash restart since start", Data{PostmasterStart: *ago(50), CrashReset: ago(3)}, ago(3), "lower_bound", true},
		{"never reset: no crash reset", Data{PostmasterStart: *ago(31)}, ago(31), "lower_bound", false},
		{"clock skew", Data{StatsReset: ago(-1)}, ago(-1), "stats_reset", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.d
			d.MinStatsAgeDays = 30
			fill(&d, now)
			if !d.StatsSince.Equal(*tc.since) || d.StatsBasis != tc.basis || d.TooYoung != tc.young {
				t.Fatalf("got since %s basis %s young %v (age %.2f)", d.StatsSince, d.StatsBasis, d.TooYoung, d.StatsAgeDays)
			}
			if d.StatsAgeDays < 0 {
				t.Fatalf("negative age %v", d.StatsAgeDays)
			}
		})
	}
}

func TestAnalyze(t *testing.T) {
	fk := func(i *Index) { i.SupportsFKs = []checks.Name{"child_parent_fk"} }
	cases := []struct {
		name string
		d    Data
		want map[string]checks.Severity // code -> severity; every finding must be listed
		has  []string
		not  []string
	}{
		{"unused and old enough", base(idx(nil)), map[string]checks.Severity{"H002/unused-index": checks.P3},
			[]string{"`DROP INDEX CONCURRENTLY public.t_a_idx;`", "`CREATE INDEX CONCURRENTLY t_a_idx ON public.t USING btree (a);`",
				"may be used on a replica", "reset on"}, []string{"too young"}},
		{"exactly min size", base(idx(func(i *Index) { i.SizeBytes = sz(1 << 20) })), map[string]checks.Severity{"H002/unused-index": checks.P3}, nil, nil},
		{"just under min size", base(idx(func(i *Index) { i.SizeBytes = sz(1<<20 - 1) })), map[string]checks.Severity{}, nil, nil},
		{"locked: size unknown still reported", base(idx(func(i *Index) { i.SizeBytes, i.Locked = nil, true })),
			map[string]checks.Severity{"H002/unused-index": checks.P3}, []string{"size unknown"}, nil},
		{"too young", func() Data { d := base(idx(nil)); d.StatsReset = ago(29); return d }(),
			map[string]checks.Severity{"H002/unused-index": checks.Info, "H002/stats-too-young": checks.Info},
			[]string{"too young to judge", "Do not drop it"}, nil},
		{"supports a foreign key", base(idx(fk)), map[string]checks.Severity{"H002/unused-fk-index": checks.Info},
			[]string{"supports foreign key `child_parent_fk`", "dropping it makes deletes/updates on the referenced table scan"},
			[]string{"DROP INDEX"}},
		{"small but supports a foreign key", base(idx(func(i *Index) { fk(i); i.SizeBytes = sz(8192) })),
			map[string]checks.Severity{"H002/unused-fk-index": checks.Info}, nil, []string{"DROP INDEX"}},
		{"table locked: no definition", base(idx(func(i *Index) { i.TableLocked, i.Definition = true, "" })),
			map[string]checks.Severity{"H002/unused-index": checks.P3},
			[]string{"`DROP INDEX CONCURRENTLY public.t_a_idx;`", "pg_get_indexdef('public.t_a_idx'::regclass)"}, []string{"To recreate"}},
		{"expressions", base(idx(func(i *Index) { i.Expressions = true })), map[string]checks.Severity{"H002/unused-index": checks.P3},
			[]string{"statistics on them"}, nil},
		{"partitioned: no CONCURRENTLY", base(idx(func(i *Index) { i.Partitions = 3 })), map[string]checks.Severity{"H002/unused-index": checks.P3},
			[]string{"`DROP INDEX public.t_a_idx;`", "in 3 partitions"}, []string{"DROP INDEX CONCURRENTLY"}},
		{"standby", func() Data { d := base(idx(nil)); d.InRecovery = true; return d }(),
			map[string]checks.Severity{"H002/unused-index": checks.P3}, []string{"(a standby)", "may be used on the primary or another replica"}, nil},
		{"lower bound, database age unknown", func() Data { d := base(idx(nil)); d.StatsReset = nil; d.PostmasterStart = *ago(45); return d }(),
			map[string]checks.Severity{"H002/unused-index": checks.P3}, []string{"or earlier", "at least 45 days", "assumes the database was not created"}, nil},
		{"track_counts off", func() Data { d := base(idx(nil)); d.TrackCounts = false; return d }(),
			map[string]checks.Severity{"H002/no-statistics": checks.Info}, nil, nil},
		{"truncated", func() Data { d := base(idx(nil)); d.Total, d.UnlistedFK = 7, 6; return d }(),
			map[string]checks.Severity{"H002/unused-index": checks.P3, "H002/unused-fk-index": checks.Info},
			[]string{"7 indexes without scans in all; the 1 largest are listed, 6 more are not"}, nil},
		{"not judged", func() Data { d := base(); d.Unjudged = 2; return d }(),
			map[string]checks.Severity{"H002/not-judged": checks.Info}, []string{"2 index(es) of partitioned tables without partitions"}, nil},
		{"nothing", base(), map[string]checks.Severity{}, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.d
			fill(&d, now)
			fs := analyze(d)
			got := map[string]checks.Severity{}
			var text strings.Builder
			for _, f := range fs {
				got[f.Code] = f.Severity
				text.WriteString(f.Conclusion + "\n" + f.Recommendation + "\n")
			}
			if len(got) != len(tc.want) || len(fs) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for code, sev := range tc.want {
				if s, ok := got[code]; !ok || s != sev {
					t.Errorf("%s: got %v, want %v", code, s, sev)
				}
			}
			for _, s := range tc.has {
				if !strings.Contains(text.String(), s) {
					t.Errorf("missing %q in %s", s, text.String())
				}
			}
			for _, s := range tc.not {
				if strings.Contains(text.String(), s) {
					t.Errorf("unexpected %q in %s", s, text.String())
				}
			}
		})
	}
}

func TestQueriesPassAudit(t *testing.T) {
	for _, q := range New().Queries() {
		if !strings.HasPrefix(q.SQL, "/* pgcheckup H002 */\n") {
			t.Errorf("%s: no marker", q.Name)
		}
		if err := sqlaudit.Check(q.SQL); err != nil {
			t.Errorf("%s: %v", q.Name, err)
		}
	}
}
