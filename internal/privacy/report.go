package privacy

import (
	"github.com/pgcheckup/pgcheckup/report"
)

// Node applies the privacy rules to what the report says of a node: its name (host:port
// unless an alias was given) and host go through the site's masks like every other
// string from the connection, its database and user are names, its error is a server
// message. NodeName must be applied to every other mention of the node's name (results,
// findings), so they still match.
func (s *Sanitizer) Node(n *report.Node) {
	s.RegisterHost(n.Host)
	n.Name = s.NodeName(n.Name)
	n.Host = s.final(n.Host)
	n.Database = s.nameOut(n.Database)
	n.User = s.nameOut(n.User)
	n.Error = s.final(n.Error)
	n.DiscoveredFrom = s.NodeName(n.DiscoveredFrom)
	for i := range n.Databases {
		n.Databases[i].Name = s.nameOut(n.Databases[i].Name)
		n.Databases[i].Skipped = s.final(n.Databases[i].Skipped)
	}
}

// DatabaseName is a database's name as the report shows it (results and findings name
// the database they are about).
func (s *Sanitizer) DatabaseName(name string) string {
	if name == "" {
		return ""
	}
	return s.nameOut(name)
}

// NodeName is the name of a node as the report shows it.
func (s *Sanitizer) NodeName(name string) string { return s.final(name) }

// final replaces known names first, so that a name that looks like a secret assignment
// ("myapp token=abc") goes whole instead of being cut by the redaction.
func (s *Sanitizer) final(t string) string {
	if s.p.Anonymizer != nil {
		t = s.p.Anonymizer.Addresses(s.p.Anonymizer.Replace(t))
	}
	return s.mask(RedactSecrets(t))
}

// Register makes names known to the anonymizer before any check runs (the user and
// database of the connection), so log lines and errors can hide them too.
func (s *Sanitizer) Register(names ...string) {
	for _, n := range names {
		s.name(n)
	}
}

// Message applies the final pass to a log or error message, a check's reason or hint.
func (s *Sanitizer) Message(m string) string { return s.final(m) }
