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

// renamedKeys are the deprecated names of the file with their new ones; useOld and useNew
// copy the value from the name the file set into the other, so both hold it.
var renamedKeys = []struct {
	oldKey, newKey, oldName, newName, what string
	useOld, useNew                         func(*Config)
}{
	{"hosts", "nodes", `"hosts"`, `"nodes"`, "the database servers",
		func(c *Config) { c.Nodes = c.Hosts }, func(c *Config) { c.Hosts = c.Nodes }},
	{"host", "machine", "[host]", "[machine]", "RAM and CPUs of the database server",
		func(c *Config) { c.Machine = c.Host }, func(c *Config) { c.Host = c.Machine }},
}

// renameKeys moves the values of the deprecated keys the file (or one [[cluster]] table)
// set into their new places, remembering a warning for each; where says where a key is
// ("line 3", `cluster "shop"`). Both names hold the values afterwards, so a [[cluster]]
// table decoded over a copy of the top level inherits them whichever name it uses.
func (c *Config) renameKeys(defined func(key string) bool, where func(key string) string) error {
	for _, k := range renamedKeys {
		switch old, cur := defined(k.oldKey), defined(k.newKey); {
		case old && cur:
			return cfgErr("config %s: %s: both %s and %s: keep %s (%s is its old name)",
				c.file, where(k.oldKey), k.oldName, k.newName, k.newName, k.oldName)
		case old:
			c.deprecated = append(slices.Clip(c.deprecated),
				fmt.Sprintf("%s: %s is now %s (%s)", where(k.oldKey), k.oldName, k.newName, k.what))
			k.useOld(c)
		default: // the new name, or neither: the copy changes nothing
			k.useNew(c)
		}
	}
	return nil
}

// migrateKeys renames the deprecated keys of the file.
func (c *Config) migrateKeys() error {
	if c.md == nil {
		return nil
	}
	return c.renameKeys(func(key string) bool { return c.md.IsDefined(key) },
		func(key string) string { return fmt.Sprintf("line %d", c.lineOf(key)) })
}

// migrateClusterKeys renames the deprecated keys of a [[cluster]] table: it was decoded
// over a copy of the top level, so the name it set holds its value.
func (c *Config) migrateClusterKeys(h clusterHead, name string) error {
	set := map[string]bool{"hosts": h.Hosts != nil, "nodes": h.Nodes != nil, "host": h.Host != nil, "machine": h.Machine != nil}
	return c.renameKeys(func(key string) bool { return set[key] },
		func(string) string { return fmt.Sprintf("cluster %q", name) })
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
