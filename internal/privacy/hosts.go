package privacy

import (
	"net"
	"net/netip"
	"strings"
)

// Host names and IP addresses say where a site's servers are as much as its table names
// say what it does: with --anonymize they become pseudonyms too. A node's host is
// registered like a name, so every later mention (node names, connection errors,
// findings) is replaced; IP addresses are found in any text by shape, because a client's
// or a standby's address is seen nowhere else first.

// keepHosts tell nothing about a site.
var keepHosts = map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true, "0.0.0.0": true, "::": true,
	"samehost": true, "samenet": true, "all": true}

// RegisterHost makes the host of a node (host, host:port, or a list of them separated by
// commas) known to the anonymizer before anything mentions it. Socket directories stay.
func (s *Sanitizer) RegisterHost(hosts ...string) {
	if s.p.Anonymizer == nil {
		return
	}
	for _, list := range hosts {
		for _, h := range strings.Split(list, ",") {
			if h = hostPart(strings.TrimSpace(h)); h != "" && !keepHosts[h] && !strings.HasPrefix(h, "/") &&
				!strings.HasPrefix(h, "socket ") {
				s.p.Anonymizer.Pseudonym(h)
			}
		}
	}
}

// hostPart strips a port from host:port ([v6]:port too); a bare IPv6 address stays whole.
func hostPart(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return strings.Trim(h, "[]")
}

// Addresses replaces every IP address in t (v4 or v6, with or without a /prefix) by its
// pseudonym; loopback and unspecified addresses and netmasks stay.
func (a *Anonymizer) Addresses(t string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(t); {
		if !addrByte(t[i]) || i > 0 && (isWordByte(t[i-1]) || t[i-1] == '.' || t[i-1] == ':') {
			i++
			continue
		}
		j := i
		for j < len(t) && addrByte(t[j]) {
			j++
		}
		tok := strings.TrimRight(t[i:j], ".:")
		if ap, err := netip.ParseAddrPort(tok); err == nil && ap.Addr().Is4() { // 10.0.0.5:5432
			tok = ap.Addr().String()
		}
		if end := i + len(tok); (end == len(t) || !isWordByte(t[end])) && replaceable(tok) {
			b.WriteString(t[last:i])
			b.WriteString(a.Pseudonym(tok))
			last = end
		}
		i = j
	}
	if last == 0 {
		return t
	}
	b.WriteString(t[last:])
	return b.String()
}

// addrByte is a byte that may be part of an IP address.
func addrByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '.' || c == ':'
}

// replaceable is true for an IP address that says something about a site.
func replaceable(tok string) bool {
	if !strings.ContainsAny(tok, ".:") || keepHosts[tok] {
		return false
	}
	addr, err := netip.ParseAddr(tok)
	if err != nil {
		return false
	}
	if addr.IsLoopback() || addr.IsUnspecified() {
		return false
	}
	if addr.Is6() && !addr.Is4In6() && (strings.Count(tok, ":") < 2 || !strings.ContainsAny(tok, "0123456789")) {
		return false // "::bad" after a cast in SQL text, not an address
	}
	if addr.Is4() { // a netmask (255.255.0.0) describes a shape, not a place
		ones, bits := net.IPMask(addr.AsSlice()).Size()
		if bits == 32 && ones > 0 {
			return false
		}
	}
	return true
}
