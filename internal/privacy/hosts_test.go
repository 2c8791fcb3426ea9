package privacy

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/pgcheckup/pgcheckup/checks"
	"github.com/pgcheckup/pgcheckup/report"
)

// standby is data holding addresses the way the replication and hba checks do.
type standby struct {
	ClientAddr checks.Text `json:"client_addr"`
	HBAAddress checks.Name `json:"address"`
	Netmask    checks.Text `json:"netmask"`
	Note       checks.Text `json:"note"`
	Sender     checks.Host `json:"sender_host"`
	Socket     checks.Host `json:"socket"`
}

// With --anonymize no host name or IP address of the site is left anywhere in what the
// report says of nodes and outcomes; the same host gets the same pseudonym everywhere,
// and loopback, netmasks and SQL casts stay as they are.
func TestAnonymizeHostsAndAddresses(t *testing.T) {
	a, err := NewAnonymizer([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Policy{Anonymizer: a})
	if err != nil {
		t.Fatal(err)
	}
	s.RegisterHost("db1.corp.example:5432", "db1.corp.example,db2.corp.example")
	o := &checks.Outcome{Data: &standby{ClientAddr: "10.20.30.41", HBAAddress: "192.168.7.0/24", Netmask: "255.255.255.0",
		Note:   "streaming to 2001:db8::7 from [fe80::1%eth0], x::date and '1'::bytea, on 127.0.0.1 and ::1.",
		Sender: "db0.outside.example", Socket: "/var/run/postgresql"},
		Findings: []checks.Finding{{Code: "C002/x", Conclusion: "Standby `10.20.30.41` lags behind db2.corp.example.",
			Recommendation: "Look at 10.20.30.41:5432."}}}
	if err := s.Outcomes([]*checks.Outcome{o}); err != nil {
		t.Fatal(err)
	}
	n := report.Node{Name: "db1.corp.example:5432", Host: "db1.corp.example:5432",
		Error: `failed to connect to host=db2.corp.example: dial tcp 10.9.8.7:5432: connect: connection refused`}
	s.Node(&n)
	b, _ := json.Marshal(struct {
		O *checks.Outcome
		N report.Node
	}{o, n})
	out := string(b)
	for _, leak := range []string{"corp.example", "db1", "db2", "10.20.30.41", "192.168.7.0", "2001:db8", "fe80", "10.9.8.7", "outside"} {
		if strings.Contains(out, leak) {
			t.Errorf("%s is left: %s", leak, out)
		}
	}
	for _, kept := range []string{"255.255.255.0", "127.0.0.1", "::1.", "x::date", "'1'::bytea", ":5432", "/var/run/postgresql"} {
		if !strings.Contains(out, kept) {
			t.Errorf("%s is lost: %s", kept, out)
		}
	}
	host := strings.TrimSuffix(n.Host, ":5432")
	if !regexp.MustCompile(`^n_[0-9a-f]{10}$`).MatchString(host) || n.Name != n.Host {
		t.Errorf("node host %q, name %q: want one pseudonym for both", n.Host, n.Name)
	}
	d := o.Data.(*standby)
	if !strings.Contains(o.Findings[0].Conclusion, string(d.ClientAddr)) {
		t.Errorf("the same address has two pseudonyms: %q and %q", d.ClientAddr, o.Findings[0].Conclusion)
	}
}
