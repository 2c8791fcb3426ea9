package l004

import (
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func TestAnalyze(t *testing.T) {
	cfg := New().cfg
	base := Table{Schema: "s", Table: "t", ReplicaIdentity: "default", Partitions: 1, SurrogateColumn: "id"}
	cases := []struct {
		name string
		edit func(*Table)
		code string
		sev  checks.Severity
		text string
	}{
		{"small", func(x *Table) { x.Bytes = cfg.P2Bytes - 1 }, "L004/no-key", checks.P3, "ADD PRIMARY KEY (...)"},
		{"large", func(x *Table) { x.Bytes = cfg.P2Bytes }, "L004/no-key", checks.P2, "GENERATED ALWAYS AS IDENTITY"},
		{"published, default identity", func(x *Table) { x.Published = true }, "L004/published-without-replica-identity", checks.P1, "REPLICA IDENTITY FULL"},
		{"published, identity nothing", func(x *Table) { x.Published, x.ReplicaIdentity = true, "nothing" }, "L004/published-without-replica-identity", checks.P1, "fails"},
		{"published, identity full", func(x *Table) { x.Published, x.ReplicaIdentity = true, "full" }, "L004/no-key", checks.P3, "FULL"},
		{"candidate index", func(x *Table) { x.CandidateIndex, x.NullableColumns = "t_a_key", []checks.Name{"a"} },
			"L004/no-key", checks.P3, "ADD PRIMARY KEY USING INDEX t_a_key"},
		{"id taken", func(x *Table) { x.Table, x.SurrogateColumn = "Mixed Case", "row_id" }, "L004/no-key", checks.P3,
			`ALTER TABLE s."Mixed Case" ADD COLUMN row_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY`},
		{"partitioned, no surrogate", func(x *Table) { x.Partitioned, x.Partitions = true, 2 }, "L004/no-key", checks.P3,
			"must include the partition key"},
		{"partitioned", func(x *Table) {
			x.Partitioned, x.Partitions, x.CandidateIndex, x.NullableColumns = true, 3, "t_a_key", []checks.Name{"a"}
		}, "L004/no-key", checks.P3, "(3 partitions)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := base
			tc.edit(&x)
			got := analyze(Data{Tables: []Table{x}}, cfg)
			if len(got) != 1 || got[0].Code != tc.code || got[0].Severity != tc.sev {
				t.Fatalf("got %+v, want %s %v", got, tc.code, tc.sev)
			}
			if text := got[0].Conclusion + got[0].Recommendation; !strings.Contains(text, tc.text) {
				t.Errorf("%q missing from %s", tc.text, text)
			}
			if x.Partitioned && strings.Contains(got[0].Recommendation, "USING INDEX") {
				t.Errorf("USING INDEX is not possible on a partitioned table: %s", got[0].Recommendation)
			}
		})
	}
	if got := analyze(Data{}, cfg); len(got) != 0 {
		t.Errorf("no tables: %v", got)
	}
}
