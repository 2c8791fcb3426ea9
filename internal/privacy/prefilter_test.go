package privacy

import "testing"

// FuzzPrefilter: skipping the patterns for strings mayHoldSecret rules out never changes
// what RedactSecrets returns.
func FuzzPrefilter(f *testing.F) {
	for _, s := range []string{
		"public.orders", "12345", "autovacuum: VACUUM public.t", "password=hunter2",
		"PASSWORD=x", "PgPassWord = 'a b'", "paſſword=hunter2", "api-KEY: abc",
		"Authorization: Bearer abc", "postgres://u:p@h/db", "pg_dump -P secret",
		"curl --user a:b http://x", "curl -u a:b", "--Secret-Key abc", "host=h port=5432",
		"x-token=1", "credentials: {\"k\": \"v\"}", "a - b", "10:30", "ok=true",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := RedactSecrets(s), redactAll(s); got != want {
			t.Errorf("RedactSecrets(%q) = %q, the patterns give %q", s, got, want)
		}
	})
}
