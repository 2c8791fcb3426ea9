// Package platform writes a saved report in the format of the Postgres.ai platform: one
// JSON file per check that has a platform schema (schemas/), each validated against it.
// It works from the report alone (report.json, as `render` does) and adds nothing that is
// not in it. MAPPING.md says, field by field, where each value comes from and which
// values the report does not have.
package platform

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/report"
)

// File is the name of the platform file of check id, inside the platform folder.
func File(id string) string { return id + ".json" }

// Export returns the platform file of every check of r that has a platform schema and
// at least one node result to send, by file name (<ID>.json). Every returned file is
// valid against its schema. When some are not (or a check's data cannot be read), the
// valid ones are still returned, with an error listing the others: an invalid file is
// never returned.
func Export(r *report.Report) (map[string][]byte, error) {
	files, _, err := ExportNotes(r)
	return files, err
}

// ExportNotes is Export, with notes on what the report could not give the platform (a
// check without usable results, a database whose size is unknown, ...), for the user.
func ExportNotes(r *report.Report) (map[string][]byte, []string, error) {
	x := newExporter(r)
	files := map[string][]byte{}
	var errs []error
	for _, id := range Schemas() {
		m, ok := mappers[id]
		if !ok {
			continue // a schema of a check pgcheckup does not map (none today)
		}
		c := x.check(id)
		if c == nil {
			continue // not run
		}
		results, err := m.build(x, c)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", id, err))
			continue
		}
		if len(results) == 0 {
			x.note(id, "no node has a result to send: no platform file")
			continue
		}
		out := map[string]any{}
		for node, data := range results {
			nr := map[string]any{"data": data}
			if m.version {
				if v := x.version(node); v != nil {
					nr["postgres_version"] = v
				}
			}
			out[node] = nr
		}
		doc := map[string]any{
			"checkId":     id,
			"checkTitle":  Title(id),
			"timestamptz": r.StartedAt.UTC().Format(time.RFC3339Nano),
			"nodes":       x.nodes(),
			"results":     out,
		}
		b, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", id, err))
			continue
		}
		b = append(b, '\n')
		if err := Validate(id, b); err != nil {
			errs = append(errs, err)
			continue
		}
		files[File(id)] = b
	}
	if len(errs) > 0 {
		return files, x.notes, fmt.Errorf("platform export: %d check(s) not exported:\n%w", len(errs), errors.Join(errs...))
	}
	return files, x.notes, nil
}

// A mapper builds one check's data per node name.
type mapper struct {
	build func(x *exporter, c *report.Check) (map[string]any, error)
	// version: the schema's nodeResult takes postgres_version (all but A002 and A013).
	version bool
}

type exporter struct {
	r     *report.Report
	nodeI map[string]*report.Node
	notes []string
	cache map[string]any // decoded data by check/node/database
}

func newExporter(r *report.Report) *exporter {
	x := &exporter{r: r, nodeI: map[string]*report.Node{}, cache: map[string]any{}}
	for i := range r.Nodes {
		x.nodeI[r.Nodes[i].Name] = &r.Nodes[i]
	}
	return x
}

func (x *exporter) note(id, format string, args ...any) {
	x.notes = append(x.notes, id+": "+fmt.Sprintf(format, args...))
}

func (x *exporter) check(id string) *report.Check {
	for i := range x.r.Checks {
		if x.r.Checks[i].ID == id {
			return &x.r.Checks[i]
		}
	}
	return nil
}

// nodes is the platform's {primary, standbys}: the first node whose role is primary,
// and every standby, in the report's order. A report without a reachable primary names
// none (""); a second primary (a logical subscriber, another cluster) is in results only.
func (x *exporter) nodes() map[string]any {
	primary, standbys := "", []string{}
	for _, n := range x.r.Nodes {
		switch {
		case n.Error != "":
		case n.Role == "primary" && primary == "":
			primary = n.Name
		case n.Role == "standby" || (n.Role == "" && n.InRecovery):
			standbys = append(standbys, n.Name)
		}
	}
	return map[string]any{"primary": primary, "standbys": standbys}
}

// version is the platform's postgres_version of a node, from the node's header; nil
// when the report does not have it.
func (x *exporter) version(node string) map[string]string {
	n := x.nodeI[node]
	if n == nil || n.VersionNum <= 0 {
		return nil
	}
	v := n.Version
	if v == "" {
		v = fmt.Sprintf("%d.%d", n.VersionNum/10000, n.VersionNum%10000)
	}
	return pgVersion(v, n.VersionNum)
}

func pgVersion(version string, num int) map[string]string {
	return map[string]string{
		"version":            version,
		"server_version_num": strconv.Itoa(num),
		"server_major_ver":   strconv.Itoa(num / 10000),
		"server_minor_ver":   strconv.Itoa(num % 10000),
	}
}

// result is one node's (and for database-scoped checks one database's) usable result.
type result struct {
	node, db string
	raw      json.RawMessage
}

// results lists a check's results that carry data, in the report's node order; db is
// the database a database-scoped result ran in (the node's database for reports older
// than schema 3, whose results do not name it).
func (x *exporter) results(c *report.Check) []result {
	var out []result
	for _, res := range c.Results {
		if res.SameAs != "" { // a standby's result that is its primary's
			res.Data = sameAs(c, res)
		}
		if res.Status == checks.StatusError || len(res.Data) == 0 || string(res.Data) == "null" {
			continue
		}
		if _, ok := x.nodeI[res.Node]; !ok {
			continue
		}
		db := res.Database
		if db == "" && c.Scope == string(checks.Database) {
			db = x.nodeI[res.Node].Database
		}
		out = append(out, result{node: res.Node, db: db, raw: res.Data})
	}
	return out
}

// sameAs is the data of the result that stands for res: its primary's, in the same
// database.
func sameAs(c *report.Check, res report.Result) json.RawMessage {
	for _, r := range c.Results {
		if r.Node == res.SameAs && r.Database == res.Database && r.SameAs == "" {
			return r.Data
		}
	}
	return nil
}

// decode decodes a result's data into a fresh T.
func decode[T any](res result) (*T, error) {
	v := new(T)
	if err := json.Unmarshal(res.raw, v); err != nil {
		where := res.node
		if res.db != "" {
			where += "/" + res.db
		}
		return nil, fmt.Errorf("data of %s: %w", where, err)
	}
	return v, nil
}

// perNode builds one value per node from a cluster-scoped check.
func perNode[T any](x *exporter, c *report.Check, f func(node string, d *T) (any, bool)) (map[string]any, error) {
	out := map[string]any{}
	for _, res := range x.results(c) {
		d, err := decode[T](res)
		if err != nil {
			return nil, err
		}
		if v, ok := f(res.node, d); ok {
			out[res.node] = v
		}
	}
	return out, nil
}

// perDatabase builds {database: entry} per node from a database-scoped check.
func perDatabase[T any](x *exporter, c *report.Check, f func(node, db string, d *T) (any, bool)) (map[string]any, error) {
	out := map[string]any{}
	for _, res := range x.results(c) {
		if res.db == "" {
			continue
		}
		d, err := decode[T](res)
		if err != nil {
			return nil, err
		}
		v, ok := f(res.node, res.db, d)
		if !ok {
			continue
		}
		m, _ := out[res.node].(map[string]any)
		if m == nil {
			m = map[string]any{}
			out[res.node] = m
		}
		m[res.db] = v
	}
	return out, nil
}

// onePerNode picks, for a check pgcheckup runs per database but the platform takes per
// node, the node's result in the database the node was connected to (else the first
// database checked), and notes when other databases' results were left out.
func onePerNode[T any](x *exporter, c *report.Check, f func(node, db string, d *T) (any, bool)) (map[string]any, error) {
	byNode := map[string][]result{}
	var order []string
	for _, res := range x.results(c) {
		if byNode[res.node] == nil {
			order = append(order, res.node)
		}
		byNode[res.node] = append(byNode[res.node], res)
	}
	out := map[string]any{}
	for _, node := range order {
		list := byNode[node]
		pick := list[0]
		for _, res := range list {
			if res.db == x.nodeI[node].Database {
				pick = res
				break
			}
		}
		d, err := decode[T](pick)
		if err != nil {
			return nil, err
		}
		if v, ok := f(node, pick.db, d); ok {
			out[node] = v
		}
		if len(list) > 1 {
			x.note(c.ID, "the platform takes one result per node: %s's is database %s's (%d other database(s) left out)", node, pick.db, len(list)-1)
		}
	}
	return out, nil
}

// prettyBytes is a size in binary units, as the platform shows sizes ("12.3 MiB").
func prettyBytes(n int64) string {
	if n < 0 {
		return "-" + prettyBytes(-n)
	}
	if n < 1024 {
		return fmt.Sprintf("%d bytes", n)
	}
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	v := float64(n) / 1024
	i := 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}

// notAvailable is the pretty twin of a size the report does not have. The number beside
// it is 0: the platform's own producer marks a missing size so (0, "N/A").
const notAvailable = "N/A"

// size returns a size and its pretty twin, 0 and N/A when unknown.
func size(p *int64) (int64, string) {
	if p == nil {
		return 0, notAvailable
	}
	return *p, prettyBytes(*p)
}

func epoch(t *time.Time) any {
	if t == nil {
		return nil
	}
	return float64(t.UnixNano()) / 1e9
}

func timestamp(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// accessMethod reads "USING <am>" from an index definition; "" when absent.
func accessMethod(def string) string {
	_, after, ok := strings.Cut(def, " USING ")
	if !ok {
		return ""
	}
	am, _, _ := strings.Cut(after, " ")
	return am
}
