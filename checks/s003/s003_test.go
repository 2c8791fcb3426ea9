package s003

import (
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
)

func TestReach(t *testing.T) {
	for _, c := range []struct {
		typ, addr, mask string
		want            checks.Label
	}{
		{"local", "", "", ReachLocal},
		{"host", "127.0.0.1", "255.255.255.255", ReachLocal},
		{"host", "127.0.0.0", "255.0.0.0", ReachLocal},
		{"host", "127.0.0.0", "254.0.0.0", ReachNetwork}, // 126.0.0.0/7 is more than loopback
		{"host", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", ReachLocal},
		{"host", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0", ReachNetwork},
		{"host", "samehost", "", ReachLocal},
		{"host", "localhost", "", ReachLocal},
		{"host", "all", "", ReachAny},
		{"host", "0.0.0.0", "0.0.0.0", ReachAny},
		{"hostssl", "::", "::", ReachAny},
		{"host", "10.0.0.0", "255.0.0.0", ReachNetwork},
		{"host", "10.0.0.0", "128.0.0.0", ReachNetwork},
		{"host", "samenet", "", ReachNetwork},
		{"host", ".example.com", "", ReachNetwork},
	} {
		if got := reach(c.typ, c.addr, c.mask); got != c.want {
			t.Errorf("reach(%s %s %s) = %s, want %s", c.typ, c.addr, c.mask, got, c.want)
		}
	}
}

func TestListensOnNetwork(t *testing.T) {
	for in, want := range map[string]bool{"": false, "localhost": false, "127.0.0.1, ::1": false, "*": true,
		"0.0.0.0": true, "localhost,10.0.0.5": true, "db.internal": true} {
		if got := listensOnNetwork(in); got != want {
			t.Errorf("listensOnNetwork(%q) = %v", in, got)
		}
	}
}

func TestAnalyzeBoundaries(t *testing.T) {
	rule := func(typ, method string, r checks.Label, users ...checks.Label) Rule {
		return Rule{Line: 1, Type: checks.Label(typ), Method: checks.Label(method), Reach: r, UserKeywords: users}
	}
	codes := func(d Data) map[string]checks.Severity {
		m := map[string]checks.Severity{}
		for _, f := range analyze(d) {
			m[f.Code] = f.Severity
		}
		return m
	}
	d := Data{HBAReadable: true, SeesAll: true, Rules: []Rule{
		rule("hostssl", "password", ReachNetwork), rule("host", "ident", ReachLocal), rule("host", "reject", ReachAny, "all"),
		rule("host", "trust", ReachAny, "all")}}
	got := codes(d)
	want := map[string]checks.Severity{"S003/password-method": checks.P3, "S003/trust-remote": checks.P1}
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for c, s := range want {
		if got[c] != s {
			t.Errorf("%s: %v, want %v", c, got[c], s)
		}
	}
	// ssl off only matters when the server listens beyond loopback; hidden sessions
	// only when the role cannot see them.
	if got := codes(Data{HBAReadable: true, SeesAll: true, HiddenSessions: 3}); len(got) != 0 {
		t.Errorf("clean: %v", got)
	}
	if got := codes(Data{HBAReadable: true, ListensOnNetwork: true, HiddenSessions: 3}); got["S003/ssl-off"] != checks.P2 || got["S003/sessions-unknown"] != checks.Info {
		t.Errorf("ssl off on the network: %v", got)
	}
}
