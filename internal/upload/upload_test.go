package upload

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestResponseObject(t *testing.T) {
	for _, in := range []string{`{"report_id": 7}`, `[{"report_id": 7}]`, `{"result": {"report_id": 7}}`, `{"result": [{"report_id": "7"}]}`} {
		obj, err := responseObject([]byte(in))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if id, ok := idOf(obj, "report_id"); !ok || id != 7 {
			t.Errorf("%s: id %d %v", in, id, ok)
		}
	}
	for _, in := range []string{`[]`, `[{"a":1},{"a":2}]`, `7`, `"x"`, `nope`, `{"result": 3}`} {
		if _, err := responseObject([]byte(in)); err == nil {
			t.Errorf("%s accepted", in)
		}
	}
	obj, _ := responseObject([]byte(`{"report_chunk_id": 3, "report_chunck_id": 0}`))
	if id, ok := idOf(obj, "report_chunck_id", "report_chunk_id"); !ok || id != 3 {
		t.Errorf("chunk id %d %v", id, ok)
	}
	for _, in := range []string{`{"report_id": -1}`, `{"report_id": 1.5}`, `{"report_id": null}`, `{}`} {
		obj, _ := responseObject([]byte(in))
		if _, ok := idOf(obj, "report_id"); ok {
			t.Errorf("%s gives an id", in)
		}
	}
}

func TestCheckURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://postgres.ai/api/general/": "https://postgres.ai/api/general",
		"http://127.0.0.1:8080":            "http://127.0.0.1:8080",
		"http://[::1]:80/x":                "http://[::1]:80/x",
		"http://localhost/":                "http://localhost",
	} {
		if got, err := CheckURL(in, true); err != nil || got != want {
			t.Errorf("%s: %q %v", in, got, err)
		}
	}
	for _, in := range []string{"http://127.0.0.1/", "http://example.com", "https://user:CANARYPW@h/", "https://h/?token=CANARYQ", "ftp://h", "h/api", ""} {
		insecure := in != "http://127.0.0.1/"
		_, err := CheckURL(in, insecure)
		if err == nil {
			t.Errorf("%s accepted", in)
		} else if strings.Contains(err.Error(), "CANARY") {
			t.Errorf("%s: error shows a secret: %v", in, err)
		}
	}
}

func TestLoadToken(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	dir := t.TempDir()
	f := filepath.Join(dir, "token")
	os.WriteFile(f, []byte("  CANARYTOKEN_file\n"), 0o600)
	if tok, err := LoadToken(getenv, f); err != nil || tok != "CANARYTOKEN_file" {
		t.Fatalf("%q %v", tok, err)
	}
	env[TokenEnv] = "CANARYTOKEN_env"
	if tok, _ := LoadToken(getenv, f); tok != "CANARYTOKEN_env" {
		t.Errorf("the environment does not come first: %q", tok)
	}
	delete(env, TokenEnv)
	for _, mode := range []os.FileMode{0o640, 0o604, 0o660} {
		os.Chmod(f, mode)
		if _, err := LoadToken(getenv, f); err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Errorf("mode %o: %v", mode, err)
		}
	}
	os.Chmod(f, 0o400)
	if _, err := LoadToken(getenv, f); err != nil {
		t.Errorf("mode 0400: %v", err)
	}
	for _, bad := range []string{"", "CANARYTOKEN a", "CANARYTOKEN\x00", "CANARYTOKENé"} {
		env[TokenEnv] = bad
		_, err := LoadToken(getenv, "")
		if bad != "" && (err == nil || strings.Contains(err.Error(), "CANARY")) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestSafeHidesToken(t *testing.T) {
	c := &client{token: "CANARYTOKEN_x"}
	got := c.safe("bad token CANARYTOKEN_x\r\n\u202e" + strings.Repeat("a", 1000))
	if strings.Contains(got, "CANARYTOKEN_x") || strings.ContainsAny(got, "\r\n\u202e") || len(got) > 320 {
		t.Errorf("%q", got)
	}
}
