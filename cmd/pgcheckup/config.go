package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/checks/pgsettings"
	"github.com/pgcheckup/pgcheckup/internal/pipeline"
	"github.com/pgcheckup/pgcheckup/internal/privacy"
	"github.com/pgcheckup/pgcheckup/internal/releases"
	"github.com/pgcheckup/pgcheckup/report"
)

// Config is everything a run needs, from defaults, the TOML file and flags (in that
// order of precedence, lowest first).
type Config struct {
	Project    string   `toml:"project"`
	Out        string   `toml:"out"`
	Connection string   `toml:"connection"` // URI or keyword/value string
	Nodes      []string `toml:"nodes"`      // one server each; read into Hosts (configkeys.go)
	Hosts      []string `toml:"hosts"`      // deprecated name of nodes
	Port       int      `toml:"port"`
	Username   string   `toml:"username"`
	DBName     string   `toml:"dbname"` // the same as databases = [dbname]
	// Databases restricts database-scoped checks to these databases; the first is the
	// one each node's first session connects to. Empty: every database of the cluster.
	Databases        []string   `toml:"databases"`
	ExcludeDatabases []string   `toml:"exclude_databases"` // glob patterns
	MaxDatabases     int        `toml:"max_databases"`     // per node; 0: 200
	ParallelNodes    int        `toml:"parallel_nodes"`    // nodes checked at once; 0: 4
	Discover         bool       `toml:"discover"`          // add the standbys the nodes list
	Window           Duration   `toml:"window"`            // workload window (K, M, N checks)
	DiscoverPort     int        `toml:"discover_port"`     // their port; 0: their upstream's
	Checks           []string   `toml:"checks"`
	Skip             []string   `toml:"skip"`
	Format           []string   `toml:"format"`
	StatementTimeout Duration   `toml:"statement_timeout"`
	LockTimeout      Duration   `toml:"lock_timeout"`
	ConnectTimeout   Duration   `toml:"connect_timeout"`
	CheckTimeout     Duration   `toml:"check_timeout"`
	QueryText        string     `toml:"query_text"`
	AllowRawQueries  bool       `toml:"allow_raw_query_text"`
	Anonymize        bool       `toml:"anonymize"`
	RoundCounts      bool       `toml:"round_counts"`
	PreciseBloat     bool       `toml:"precise_bloat"`
	FailOn           string     `toml:"fail_on"` // P1, P2 or P3: exit 5 on findings this severe
	Machine          HostConfig `toml:"machine"` // read into Host (configkeys.go)
	Host             HostConfig `toml:"host"`    // deprecated name of machine
	Mask             []Mask     `toml:"mask"`

	// Fleet: the [[cluster]] tables (see fleet_config.go) and how many run at once.
	Clusters         []toml.Primitive `toml:"cluster"`
	ParallelClusters int              `toml:"parallel_clusters"`

	// DefinitionLiterals shows the literals of definitions, which may be data from the
	// tables (WHERE status = 'vip-customer-42'); by default they become $1, $2, ...
	DefinitionLiterals bool `toml:"definition_literals"`

	// Releases is a release table file for A002 and A013, newer than the built-in one.
	Releases string `toml:"releases"`

	// Keep is how many reports of the project to keep, or for how long (history.go);
	// LockWait how long a run waits for another run of the project.
	Keep     Keep     `toml:"keep"`
	LockWait LockWait `toml:"lock_wait"`

	// APIURL is the platform API that `upload` sends to; TokenFile holds its token
	// (mode 0600 or stricter). PGCHECKUP_API_URL and PGCHECKUP_TOKEN come first.
	APIURL    string `toml:"api_url"`
	TokenFile string `toml:"token_file"`

	// CheckSections holds [checks.<ID>] tables until they are decoded into the checks.
	CheckSections map[string]toml.Primitive `toml:"checks_config"`
	clusterChecks []checkSection            // a fleet cluster's [cluster.checks.<ID>], over CheckSections
	fleetDecoding bool                      // a fleet checks unknown keys once every cluster is decoded
	md            *toml.MetaData
	file          string
	releaseTable  *releases.Table // read from Releases by validate
	deprecated    []string        // old keys the file uses, for a warning
}

// HostConfig holds facts about the database host that SQL cannot read.
type HostConfig struct {
	RAM  string `toml:"ram"`  // e.g. "64GB"
	CPUs int    `toml:"cpus"` // e.g. 16
}

// Mask is one site masking rule.
type Mask struct {
	Pattern     string `toml:"pattern"`
	Replacement string `toml:"replacement"`
}

// Duration reads "30s", "100ms", "2m" from TOML.
type Duration struct{ time.Duration }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := parseDuration(string(b))
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

// Every duration of a run (statement, lock, connect and check timeout) is sent to the
// server in whole milliseconds or bounds a wait. Below 1 ms the server would get 0,
// which means no timeout at all; 0 or less would mean "no limit" or "give up at once".
// Above maxDuration the server refuses statement_timeout and lock_timeout (an int of
// milliseconds), and no check should need that long.
const (
	minDuration = time.Millisecond
	maxDuration = (1<<31 - 1) * time.Millisecond // about 24.8 days
)

// parseDuration reads a duration and refuses what no timeout can mean.
func parseDuration(s string) (time.Duration, error) {
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("duration %q: %w", s, err)
	}
	switch {
	case v < minDuration:
		return 0, fmt.Errorf("duration %q: must be at least 1ms: every wait has a limit, and 0 is not \"none\"", s)
	case v > maxDuration:
		return 0, fmt.Errorf("duration %q: must be at most %s", s, maxDuration)
	}
	return v, nil
}

func defaults() Config {
	return Config{
		Project:          "default",
		Out:              "./artifacts",
		Format:           []string{"json", "md", "html"},
		StatementTimeout: Duration{30 * time.Second},
		LockTimeout:      Duration{100 * time.Millisecond},
		ConnectTimeout:   Duration{10 * time.Second},
		CheckTimeout:     Duration{2 * time.Minute},
		QueryText:        privacy.QueryNormalized,
		LockWait:         LockWait{defaultLockWait},
	}
}

// configError is a usage error (exit 2).
type configError struct{ msg string }

func (e configError) Error() string { return e.msg }

func cfgErr(format string, args ...any) error { return configError{fmt.Sprintf(format, args...)} }

// loadFile reads the TOML file into c. [checks.<ID>] sections are kept for decodeChecks.
func loadFile(path string, c *Config) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return cfgErr("config: %v", err)
	}
	// [checks.X] tables go into a map of primitives; the top-level "checks" list stays a
	// list. TOML cannot have both under one key, so the tables are renamed on read.
	data = checksTableRE.ReplaceAll(data, []byte("[checks_config.$1]"))
	data = clusterChecksTableRE.ReplaceAll(data, []byte("[cluster.checks_config.$1]"))
	md, err := toml.Decode(string(data), c)
	if err != nil {
		if msg, ok := userTypeError(err.Error()); ok {
			return cfgErr("config %s: %s", path, msg)
		}
		var pe toml.ParseError
		if errors.As(err, &pe) {
			if pe.LastKey != "" {
				return cfgErr("config %s: line %d: key %q: %s", path, pe.Position.Line, publicKey(pe.LastKey), pe.Message)
			}
			return cfgErr("config %s: line %d: %s", path, pe.Position.Line, pe.Message)
		}
		return cfgErr("config %s: %v", path, err)
	}
	c.md, c.file = &md, path
	return c.migrateKeys()
}

var checksTableRE = regexp.MustCompile(`(?m)^\s*\[\s*checks\.([A-Za-z0-9_]+)\s*\]`)

// decodeChecks decodes [checks.<ID>] into each check's config and fails on any key that
// nothing read, naming the file, line and key.
func (c *Config) decodeChecks(list []checks.Check) error {
	useReleases(list, c.releaseTable)
	if c.md == nil {
		return nil
	}
	byID := map[string]checks.Check{}
	for _, ch := range list {
		byID[ch.Meta().ID] = ch
	}
	for _, sec := range c.checkSections() {
		id, prim := sec.id, sec.prim
		ch, ok := byID[strings.ToUpper(id)]
		if !ok {
			return cfgErr("config %s: line %d: [checks.%s]: no such check", c.file, c.lineOf("checks", id), id)
		}
		conf, ok := ch.(checks.Configurable)
		if !ok {
			return cfgErr("config %s: line %d: check %s has no settings", c.file, c.lineOf("checks", id), id)
		}
		if err := c.md.PrimitiveDecode(prim, conf.Config()); err != nil {
			if msg, ok := userTypeError(err.Error()); ok {
				return cfgErr("config %s: %s", c.file, msg)
			}
			return cfgErr("config %s: %s", c.file, publicKey(strings.TrimPrefix(err.Error(), "toml: ")))
		}
		if key, err := validateSettings(conf.Config()); err != nil {
			if key == "" {
				return cfgErr("config %s: line %d: [checks.%s]: %v", c.file, c.lineOf("checks", id), id, err)
			}
			return cfgErr("config %s: line %d: key %q: %v", c.file, c.lineInSection("checks."+id, key), "checks."+id+"."+key, err)
		}
	}
	if c.fleetDecoding {
		return nil
	}
	return c.unknownKeys(nil)
}

// unknownKeys fails on the first key of the file that nothing read, except those skip
// says another error already covers.
func (c *Config) unknownKeys(skip func(key string) bool) error {
	for _, k := range c.md.Undecoded() {
		key := publicKey(k.String())
		if skip != nil && skip(key) {
			continue
		}
		return cfgErr("config %s: line %d: unknown key %q", c.file, c.lineOf(strings.Split(key, ".")...), key)
	}
	return nil
}

// lineOf finds the line that defines key (the last part) in the file, for messages.
func (c *Config) lineOf(parts ...string) int {
	data, err := os.ReadFile(c.file)
	if err != nil || len(parts) == 0 {
		return 0
	}
	last := parts[len(parts)-1]
	keyRE := regexp.MustCompile(`^\s*(\[\s*[^\]]*\b` + regexp.QuoteMeta(last) + `\s*\]|"?` + regexp.QuoteMeta(last) + `"?\s*=)`)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		if keyRE.MatchString(sc.Text()) {
			return n
		}
	}
	return 0
}

// lineInSection finds the line of key inside the table [section] (whose name is matched
// without regard to case, like check IDs), so that a key such as top_n, which many
// sections have, is reported where it is wrong. It falls back to the table's line.
func (c *Config) lineInSection(section, key string) int {
	data, err := os.ReadFile(c.file)
	if err != nil {
		return 0
	}
	headRE := regexp.MustCompile(`(?i)^\s*\[\s*` + regexp.QuoteMeta(section) + `\s*\]`)
	keyRE := regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(key) + `"?\s*=`)
	sc := bufio.NewScanner(bytes.NewReader(data))
	head := 0
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case headRE.MatchString(line):
			head = n
		case head > 0 && strings.HasPrefix(strings.TrimSpace(line), "["):
			return head // the next table: the key was not written in this one
		case head > 0 && keyRE.MatchString(line):
			return n
		}
	}
	return head
}

var projectRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)

func (c *Config) validate() error {
	switch c.QueryText {
	case privacy.QueryNormalized, privacy.QueryNone:
	case privacy.QueryRaw:
		if !c.AllowRawQueries {
			return cfgErr("query text %q needs the explicit opt-in --allow-raw-query-text (raw texts hold literals: data and secrets)", c.QueryText)
		}
	default:
		return cfgErr("query text %q: want normalized, none or raw", c.QueryText)
	}
	// The project names a folder under OUT: one plain path element, so a report never
	// lands outside OUT.
	if !projectRE.MatchString(c.Project) {
		return cfgErr("project %q: use letters, digits, '.', '_' and '-' (it names a folder under out)", c.Project)
	}
	if _, err := report.ParseFormats(c.Format, false); err != nil { // the formats' one table
		return cfgErr("%v", err)
	}
	if c.Host.RAM != "" {
		if _, err := pgsettings.ParseBytes(c.Host.RAM); err != nil {
			return cfgErr("[machine] ram: %v", err)
		}
	}
	if _, err := failOnSeverity(c.FailOn); err != nil {
		return err
	}
	if c.DBName != "" && len(c.Databases) == 0 {
		c.Databases = []string{c.DBName}
	}
	if err := c.databaseFilter().Validate(); err != nil {
		return cfgErr("%v", err)
	}
	if c.DiscoverPort < 0 || c.DiscoverPort > 65535 {
		return cfgErr("discover_port: %d is not a port", c.DiscoverPort)
	}
	if c.ParallelNodes < 0 {
		return cfgErr("parallel_nodes: %d is negative", c.ParallelNodes)
	}
	var err error
	if c.releaseTable, err = loadReleases(c.Releases); err != nil {
		return err
	}
	if c.Host.CPUs < 0 {
		return cfgErr("[machine] cpus: %d is negative", c.Host.CPUs)
	}
	for _, m := range c.Mask {
		if _, err := regexp.Compile(m.Pattern); err != nil {
			return cfgErr("mask pattern %q: %v", m.Pattern, err)
		}
	}
	if strings.ContainsAny(c.Project, `/\`) || c.Project == "" || c.Project == "." || c.Project == ".." {
		return cfgErr("project %q: must be a plain folder name", c.Project)
	}
	return nil
}

func (c *Config) databaseFilter() pipeline.DatabaseFilter {
	return pipeline.DatabaseFilter{Only: c.Databases, Exclude: c.ExcludeDatabases, Max: c.MaxDatabases}
}

func (c *Config) hostFacts() checks.HostFacts {
	ram, _ := pgsettings.ParseBytes(c.Host.RAM)
	if c.Host.RAM == "" {
		ram = 0
	}
	return checks.HostFacts{RAMBytes: ram, CPUs: c.Host.CPUs}
}

func (c *Config) policy(out string) (privacy.Policy, error) {
	p := privacy.Policy{QueryText: c.QueryText, RoundCounts: c.RoundCounts, DefinitionLiterals: c.DefinitionLiterals}
	for _, m := range c.Mask {
		p.Mask = append(p.Mask, privacy.MaskRule{Pattern: regexp.MustCompile(m.Pattern), Replacement: m.Replacement})
	}
	if c.Anonymize {
		key, err := privacy.LoadOrCreateKey(out)
		if err != nil {
			return p, err
		}
		if p.Anonymizer, err = privacy.NewAnonymizer(key); err != nil {
			return p, err
		}
	}
	return p, nil
}

// publicKey undoes the renaming of [checks.X] tables in keys and messages.
func publicKey(s string) string { return strings.ReplaceAll(s, "checks_config.", "checks.") }
