package privacy

import (
	"strings"
	"testing"
)

func TestRedactSecrets(t *testing.T) {
	cases := map[string]string{
		"host=db1 user=rep password=s3cret sslmode=require":       "host=db1 user=rep password=***** sslmode=require",
		"PGPASSWORD=hunter2 pg_receivewal -h x":                   "PGPASSWORD=***** pg_receivewal -h x",
		"AWS_SECRET_ACCESS_KEY='abc def' wal-g wal-push %p":       "AWS_SECRET_ACCESS_KEY=***** wal-g wal-push %p",
		"curl -T %p https://bob:pa55@backup.example/wal/%f":       "curl -T %p https://bob:*****@backup.example/wal/%f",
		"mysql -u root -p topsecret":                              "mysql -u root -p *****",
		"wal-g --token=xyz wal-push %p":                           "wal-g --token=***** wal-push %p",
		"curl -u bob:pa55 -T %p https://x/%f":                     "curl -u bob:***** -T %p https://x/%f",
		"aws s3 cp %p s3://b/%f --secret-key AKIA123 --region eu": "aws s3 cp %p s3://b/%f --secret-key ***** --region eu",
		"cp %p /archive/%f":                                       "cp %p /archive/%f",
		`{"api_key": "k-123", "x": 1}`:                            `{"api_key": *****, "x": 1}`,
	}
	for in, want := range cases {
		if got := RedactSecrets(in); got != want {
			t.Errorf("RedactSecrets(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestRedactConninfo(t *testing.T) {
	got := RedactSetting("primary_conninfo", "host=10.0.0.1 port=5432 user=rep sslpassword=abc sslkey=/k application_name=s1")
	for _, leak := range []string{"abc", "/k"} {
		if strings.Contains(got, leak) {
			t.Errorf("leaked %q in %q", leak, got)
		}
	}
	if !strings.Contains(got, "host=10.0.0.1") || !strings.Contains(got, "application_name=s1") {
		t.Errorf("lost structure: %q", got)
	}
}
