package main

import (
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
)

// The file once named the servers `hosts` and the machine's facts `[host]`: one letter
// apart, and a user who wrote `[hosts]` or `host = [...]` got a confusing error. The new
// names are `nodes` (the servers, as the report calls them) and `[machine]` (RAM and
// CPUs). The old keys still work and are copied into the new ones with a warning.

// migrateKeys moves the deprecated keys of the file into their new places (the fields
// the rest of the program reads) and remembers a warning for each.
func (c *Config) migrateKeys() error {
	md := c.md
	if md == nil {
		return nil
	}
	oldHosts, newNodes := md.IsDefined("hosts"), md.IsDefined("nodes")
	switch {
	case oldHosts && newNodes:
		return cfgErr("config %s: line %d: both \"hosts\" and \"nodes\": keep \"nodes\" (\"hosts\" is its old name)", c.file, c.lineOf("hosts"))
	case oldHosts:
		c.deprecated = append(c.deprecated, fmt.Sprintf("line %d: \"hosts\" is now \"nodes\" (the database servers)", c.lineOf("hosts")))
	case newNodes:
		c.Hosts = c.Nodes
	}
	oldHost, newMachine := md.IsDefined("host"), md.IsDefined("machine")
	switch {
	case oldHost && newMachine:
		return cfgErr("config %s: line %d: both [host] and [machine]: keep [machine] ([host] is its old name)", c.file, c.lineOf("host"))
	case oldHost:
		c.deprecated = append(c.deprecated, fmt.Sprintf("line %d: [host] is now [machine] (RAM and CPUs of the database server)", c.lineOf("host")))
	case newMachine:
		c.Host = c.Machine
	}
	// Both names hold the values from here on, so a [[cluster]] table decoded over a
	// copy of this configuration inherits them whichever name it uses.
	c.Nodes, c.Machine = c.Hosts, c.Host
	return nil
}

// migrateClusterKeys does for a [[cluster]] table what migrateKeys does for the file: the
// cluster was decoded over a copy of the top level, so the name it set holds its value.
func (c *Config) migrateClusterKeys(h clusterHead, name string) error {
	switch {
	case h.Hosts != nil && h.Nodes != nil:
		return cfgErr("config %s: cluster %q: both \"hosts\" and \"nodes\": keep \"nodes\" (\"hosts\" is its old name)", c.file, name)
	case h.Hosts != nil:
		c.deprecated = append(slices.Clip(c.deprecated), fmt.Sprintf("cluster %q: \"hosts\" is now \"nodes\" (the database servers)", name))
		c.Nodes = c.Hosts
	case h.Nodes != nil:
		c.Hosts = c.Nodes
	}
	switch {
	case h.Host != nil && h.Machine != nil:
		return cfgErr("config %s: cluster %q: both [cluster.host] and [cluster.machine]: keep [cluster.machine]", c.file, name)
	case h.Host != nil:
		c.deprecated = append(slices.Clip(c.deprecated), fmt.Sprintf("cluster %q: [cluster.host] is now [cluster.machine] (RAM and CPUs)", name))
		c.Machine = c.Host
	case h.Machine != nil:
		c.Host = c.Machine
	}
	return nil
}

// warnDeprecated logs the old keys the file still uses.
func (c *Config) warnDeprecated(log *slog.Logger) {
	for _, d := range c.deprecated {
		log.Warn("deprecated config key, still read: "+d, "file", c.file)
	}
}

// typeErrRE matches the TOML library's type mismatch, which names Go types ("TOML value
// has type float64; destination has type slice").
var typeErrRE = regexp.MustCompile(`(?:toml: )?line (\d+) \(last key "([^"]+)"\): incompatible types: TOML value has type (\w+); destination has type (\w+)`)

// userTypeError words a type mismatch for users: `config c.toml: line 3: port: want an
// integer, got a string`. Other errors come back as they are.
func userTypeError(msg string) (string, bool) {
	m := typeErrRE.FindStringSubmatch(msg)
	if m == nil {
		return msg, false
	}
	return fmt.Sprintf("line %s: %s: want %s, got %s", m[1], publicKey(m[2]), typeWord(m[4]), typeWord(m[3])), true
}

// typeWord names a TOML or Go type the way the file is written.
func typeWord(t string) string {
	switch strings.ToLower(t) {
	case "string":
		return "a string (in quotes)"
	case "int", "int64", "integer", "uint", "uint64":
		return "an integer"
	case "float", "float64", "float32":
		return "a number with a fraction"
	case "bool", "boolean":
		return "true or false"
	case "slice", "array":
		return "a list ([...])"
	case "map", "struct", "table", "hash":
		return "a table"
	case "datetime", "time":
		return "a date"
	}
	return t
}
