package main

import (
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/pgcheckup/pgcheckup/internal/pipeline"
)

// node is one -h entry: an optional alias and a connection string.
type node struct {
	alias string
	cs    string
}

// aliasRE is what may name a node: -h primary=db1:5432.
var aliasRE = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9_.-]{0,62})=(.*)$`)

// splitAlias splits "name=host:port" into its alias and host.
func splitAlias(h string) (alias, host string) {
	if m := aliasRE.FindStringSubmatch(h); m != nil {
		return m[1], m[2]
	}
	return "", h
}

// connStrings builds one connection string per node: the given string (or none, so PG*
// variables apply) with -h/-p/-U/-d laid over it. pgx parses the result the way libpq
// does, .pgpass included.
func connStrings(c *Config) []node {
	over := map[string]string{}
	if c.Port != 0 {
		over["port"] = strconv.Itoa(c.Port)
	}
	if c.Username != "" {
		over["user"] = c.Username
	}
	if len(c.Databases) > 0 {
		over["dbname"] = c.Databases[0]
	} else if c.DBName != "" {
		over["dbname"] = c.DBName
	}
	hosts := c.Hosts
	if len(hosts) == 0 {
		hosts = []string{""}
	}
	var out []node
	for _, h := range hosts {
		alias, h := splitAlias(h)
		o := map[string]string{}
		for k, v := range over {
			o[k] = v
		}
		if h != "" {
			host, port := splitHostPort(h)
			o["host"] = host
			if port != "" {
				o["port"] = port
			}
		}
		out = append(out, node{alias: alias, cs: overlay(c.Connection, o)})
	}
	return out
}

func overlay(base string, over map[string]string) string {
	if len(over) == 0 {
		return base
	}
	if isURI(base) {
		if u, err := url.Parse(base); err == nil {
			q := u.Query()
			for k, v := range over {
				q.Set(k, v)
			}
			u.RawQuery = q.Encode()
			return u.String()
		}
	}
	var b strings.Builder
	b.WriteString(base)
	for _, k := range []string{"host", "port", "user", "dbname"} {
		if v, ok := over[k]; ok {
			v = strings.ReplaceAll(strings.ReplaceAll(v, `\`, `\\`), `'`, `\'`)
			fmt.Fprintf(&b, " %s='%s'", k, v)
		}
	}
	return strings.TrimSpace(b.String())
}

// targets parses every node's connection string. Only configuration errors stop here;
// reaching the nodes is the pipeline's work.
func targets(c *Config, log *slog.Logger) ([]pipeline.Target, error) {
	var out []pipeline.Target
	for i, n := range connStrings(c) {
		pc, err := nodeConfig(nodeLabel(c, i), n.cs, log)
		if err != nil {
			return nil, err
		}
		out = append(out, pipeline.Target{Alias: n.alias, Conn: pc})
	}
	return out, nil
}

// nodeLabel names node i (counted from 0) in a configuration error: its number, and its
// host when a -h flag gave it (the connection string itself is never quoted).
func nodeLabel(c *Config, i int) string {
	if i < len(c.Hosts) {
		return fmt.Sprintf("node %d (%s)", i+1, c.Hosts[i])
	}
	return fmt.Sprintf("node %d", i+1)
}

// nodeConfig parses the connection string of one node, as libpq would, with two
// differences libpq users expect: a password file that others can read is not used
// (pgpass.go), and the error, shown to the user as is, names the problem without a
// byte of the string.
func nodeConfig(label, cs string, log *slog.Logger) (*pgx.ConnConfig, error) {
	warning := passfileProblem(passfilePath(cs))
	if warning != "" {
		cs = withoutPassfile(cs)
	}
	pc, err := pgx.ParseConfig(cs)
	if err != nil {
		return nil, cfgErr("connection string of %s: %s", label, parseProblem(err))
	}
	if warning != "" && pc.Password == "" {
		// Only now is it known that pgx would have taken the password from the file.
		log.Warn(warning)
	}
	for _, h := range append([]string{pc.Host}, fallbackHosts(pc)...) {
		if strings.Contains(h, "@") {
			// A URI password with an unencoded "@" leaves its tail in the host name,
			// which every later message would show.
			return nil, cfgErr(`connection string of %s: a host name with "@" (percent-encode "@" as %%40 in a password)`, label)
		}
	}
	return pc, nil
}

func fallbackHosts(pc *pgx.ConnConfig) []string {
	var hosts []string
	for _, f := range pc.Fallbacks {
		hosts = append(hosts, f.Host)
	}
	return hosts
}

// splitHostPort accepts "host", "host:port" and "[v6addr]:port" for -h, so that nodes on
// different ports can be named one by one.
func splitHostPort(h string) (string, string) {
	if strings.HasPrefix(h, "[") {
		if i := strings.Index(h, "]"); i > 0 {
			return h[1:i], strings.TrimPrefix(h[i+1:], ":")
		}
	}
	i := strings.LastIndex(h, ":")
	if i < 0 || strings.Count(h, ":") > 1 {
		return h, ""
	}
	if _, err := strconv.Atoi(h[i+1:]); err != nil {
		return h, ""
	}
	return h[:i], h[i+1:]
}
