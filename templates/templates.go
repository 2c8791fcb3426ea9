// Package templates holds the embedded Markdown templates: one per check, named
// <ID>.md.tmpl, each rendering that check's data on one node. A template receives
//
//	.Data      the check's data, decoded from the JSON report (numbers are json.Number)
//	.Node      the node's name (the first of .Nodes)
//	.Nodes     every node whose data is this same data: the report shows identical data
//	           once, for all the nodes that share it
//	.Database  the database of a database-scoped check's result; empty for the cluster
//
// and may use the functions documented in report.Funcs. Object names from the database
// must pass through esc or code.
package templates

import "embed"

// FS holds every template.
//
//go:embed *.tmpl
var FS embed.FS
