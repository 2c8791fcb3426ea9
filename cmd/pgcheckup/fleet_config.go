package main

import (
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/pgcheckup/pgcheckup/checks"
)

// A fleet configuration lists clusters as [[cluster]] tables:
//
//	project = "prod"
//	username = "pgcheckup"
//	[checks.H002]
//	min_size_bytes = 0
//
//	[[cluster]]
//	name = "billing"              # required, unique; names the cluster's report folder
//	hosts = ["db1:5432", "db2:5432"]
//	[cluster.host]
//	ram = "64GB"
//	[cluster.checks.H002]         # over [checks.H002], key by key
//	min_stats_age_days = 3
//
// Each cluster starts from the top level (defaults, then the file's top-level keys), sets
// what its table sets, and the command-line flags go over both. Its report goes to
// OUT/PROJECT/<name>/<stamp>, with <name> as the report's project, and the fleet's index
// to OUT/PROJECT. A cluster cannot set what belongs to the fleet: project, out,
// parallel_clusters, or uploading (api_url, token_file).

// clusterChecksTableRE finds [cluster.checks.X] tables, renamed on read as [checks.X] are.
var clusterChecksTableRE = regexp.MustCompile(`(?m)^\s*\[\s*cluster\s*\.\s*checks\.([A-Za-z0-9_]+)\s*\]`)

// fleetOnlyKeys may appear at the top level only.
var fleetOnlyKeys = []string{"project", "out", "parallel_clusters", "api_url", "token_file", "cluster"}

// checkSection is one [checks.<ID>] table, decoded in order: the top level's, then a
// cluster's over it.
type checkSection struct {
	id   string
	prim toml.Primitive
}

// checkSections lists the top level's check tables (by ID, for a stable order) and then
// the cluster's, so that a cluster's keys are decoded last and win.
func (c *Config) checkSections() []checkSection {
	ids := make([]string, 0, len(c.CheckSections))
	for id := range c.CheckSections {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]checkSection, 0, len(ids)+len(c.clusterChecks))
	for _, id := range ids {
		out = append(out, checkSection{id, c.CheckSections[id]})
	}
	return append(out, c.clusterChecks...)
}

func (c *Config) isFleet() bool { return len(c.Clusters) > 0 }

// fleetCluster is one [[cluster]] table made ready to run: its configuration and checks,
// or the configuration error that keeps it (and only it) from running.
type fleetCluster struct {
	name string
	cfg  Config
	list []checks.Check
	err  error
}

// clusterHead is what a cluster's table says beyond a Config: its name, and whether it
// set dbname without databases (then the top level's databases do not apply to it).
type clusterHead struct {
	Name      string    `toml:"name"`
	DBName    *string   `toml:"dbname"`
	Databases *[]string `toml:"databases"`
	// Which names of the servers and the machine's facts the cluster's table uses (the
	// old ones are deprecated, see configkeys.go).
	Nodes   *[]string       `toml:"nodes"`
	Hosts   *[]string       `toml:"hosts"`
	Machine *toml.Primitive `toml:"machine"`
	Host    *toml.Primitive `toml:"host"`
}

func (c *Config) clusterHead(prim toml.Primitive) (clusterHead, error) {
	var h clusterHead
	if err := c.md.PrimitiveDecode(prim, &h); err != nil {
		return h, cfgErr("config %s: [[cluster]]: %s", c.file, publicKey(strings.TrimPrefix(err.Error(), "toml: ")))
	}
	return h, nil
}

// fleetClusters builds every cluster of the file: base is the top level as the file set
// it, apply lays the flags over a configuration, outDir is OUT/PROJECT. Errors of the
// file as a whole (a name missing or twice, a fleet-only key in a cluster, an unknown
// key) are returned; an error in one cluster's values is kept in that cluster.
func fleetClusters(base *Config, apply func(*Config), outDir string) ([]*fleetCluster, error) {
	for _, k := range base.md.Keys() {
		if len(k) == 2 && k[0] == "cluster" && slices.Contains(fleetOnlyKeys, k[1]) {
			return nil, cfgErr("config %s: line %d: key %q: set it at the top level; it is the fleet's, not one cluster's",
				base.file, base.lineOf(k[1]), k.String())
		}
	}
	seen := map[string]bool{}
	var out []*fleetCluster
	for i, prim := range base.Clusters {
		head, err := base.clusterHead(prim)
		if err != nil {
			return nil, err
		}
		name := head.Name
		switch {
		case name == "":
			return nil, cfgErr("config %s: [[cluster]] number %d has no name", base.file, i+1)
		case !projectRE.MatchString(name) || name == "." || name == "..":
			return nil, cfgErr("config %s: cluster name %q: use letters, digits, '.', '_' and '-' (it names a folder)", base.file, name)
		case seen[name]:
			return nil, cfgErr("config %s: cluster name %q is used twice", base.file, name)
		}
		seen[name] = true
		fc := &fleetCluster{name: name, cfg: cloneConfig(base)}
		c := &fc.cfg
		c.CheckSections, c.Clusters = nil, nil
		if err := base.md.PrimitiveDecode(prim, c); err != nil {
			fc.err = cfgErr("config %s: cluster %q: %s", base.file, name, publicKey(strings.TrimPrefix(err.Error(), "toml: ")))
		}
		// The cluster's own [cluster.checks.X] tables, in a stable order, go over the top's.
		ids := make([]string, 0, len(c.CheckSections))
		for id := range c.CheckSections {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			c.clusterChecks = append(c.clusterChecks, checkSection{id, c.CheckSections[id]})
		}
		c.CheckSections, c.Clusters = base.CheckSections, nil
		if head.DBName != nil && head.Databases == nil {
			c.Databases = nil
		}
		if err := c.migrateClusterKeys(head, name); err != nil && fc.err == nil {
			fc.err = err
		}
		apply(c)
		c.Project, c.Out = name, outDir
		c.fleetDecoding = true
		if fc.err == nil {
			fc.err = c.validate()
		}
		if fc.err == nil {
			fc.list, fc.err = c.prepareChecks()
		}
		out = append(out, fc)
	}
	// Unknown keys, once every cluster read its tables. The check tables of a cluster
	// that failed may not all have been read: its own error says what is wrong.
	failed := false
	for _, fc := range out {
		failed = failed || fc.err != nil
	}
	return out, base.unknownKeys(func(key string) bool {
		return failed && (strings.HasPrefix(key, "checks.") || strings.HasPrefix(key, "cluster.checks."))
	})
}

// cloneConfig copies c so that decoding a cluster's table into the copy never writes
// into c's slices (the decoder may reuse a slice's array).
func cloneConfig(c *Config) Config {
	out := *c
	v := reflect.ValueOf(&out).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		if f.Kind() == reflect.Slice && !f.IsNil() && f.CanSet() {
			cp := reflect.MakeSlice(f.Type(), f.Len(), f.Len())
			reflect.Copy(cp, f)
			f.Set(cp)
		}
	}
	return out
}
