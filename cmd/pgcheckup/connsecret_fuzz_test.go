package main

import (
	"bytes"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
)

// pwMark stands for the planted password in a connection string template.
const pwMark = "{PW}"

// secretShapes are connection strings that pgx cannot parse (and a few it can), each
// with a password in it. They seed the fuzz test and run as a plain test under go test.
var secretShapes = []struct{ template, password string }{
	{"password= {PW} port=abc", "S3cret"},
	{"host=h password={PW} port=abc", "S3cretPw0rd"},
	{"host=h password='{PW}", "S3cretPw0rd"},
	{"host=h password='{PW} port=5432", "S3cret Pw0rd"},
	{"host=h password={PW}", `S3cret\`},
	{"host=h password='{PW}' port=5432 sslmode=bogus", "S3cretPw0rd"},
	{"password={PW} sslmode=bogus", "S3cretPw0rd"},
	{"password={PW} sslmode=verify-full sslrootcert=/nonexistent/root.crt host=h", "S3cretPw0rd"},
	{"password={PW} sslcertmode=bogus", "S3cretPw0rd"},
	{"password={PW} connect_timeout=soon", "S3cretPw0rd"},
	{"password={PW} target_session_attrs=nope", "S3cretPw0rd"},
	{"password={PW} channel_binding=nope", "S3cretPw0rd"},
	{"password={PW} require_auth=nope", "S3cretPw0rd"},
	{"password={PW} min_protocol_version=9", "S3cretPw0rd"},
	{"password={PW} min_protocol_version=3.2 max_protocol_version=3.0", "S3cretPw0rd"},
	{"password={PW} statement_cache_capacity=many", "S3cretPw0rd"},
	{"password={PW} default_query_exec_mode=fast", "S3cretPw0rd"},
	{"host=a,b,c port=1,2 password={PW}", "S3cretPw0rd"},
	{"password={PW} service=nosuchservice", "S3cretPw0rd"},
	{"password={PW}", "S3cret port=abc"},
	{"password={PW}", "S3cret Pw0rd"},
	{"password={PW}", "S3c ret=1 X Y"},
	{"password='{PW}'", "it's S3cret"},
	{"password={PW}\x00", "S3cretPw0rd"},
	{"password=\x00{PW}", "S3cretPw0rd"},
	{"pass word={PW}", "S3cretPw0rd"},
	{"={PW}", "S3cretPw0rd"},
	{"postgres://u:{PW}@h:abc/db", "S3cret"},
	{"postgres://u:{PW}@h/db", "S3%zzcret"},
	{"postgres://u:{PW}@h/db", "S3%4"},
	{"postgres://u:{PW}@h/db", "S3c/Ret"},
	{"postgres://u:{PW}@h/db", "S3c@Ret"},
	{"postgres://u:{PW}@h/db", "S3c:Ret"},
	{"postgres://u:{PW}@h/db", "S3c?Ret=x"},
	{"postgres://u:{PW}@h/db", "S3c Ret"},
	{"postgres://u:{PW}@h/db", "S3c%00Ret"},
	{"postgres://u:{PW}@h/db?sslmode=bogus", "S3cretPw0rd"},
	{"postgres://u:{PW}@h/db?port=x", "S3cretPw0rd"},
	{"postgres://u:{PW}@h/db?x", "S3cretPw0rd"},
	{"postgres://u:{PW}@h/db?a=b=c", "S3cretPw0rd"},
	{"postgres://u:{PW}@h/d b", "S3cretPw0rd"},
	{"postgres://u:{PW}@[::1/db", "S3cretPw0rd"},
	{"postgres://u:{PW}@[]/db", "S3cretPw0rd"},
	{"postgres://u:{PW}@h:5432,h2:x/db", "S3cretPw0rd"},
	{"postgres://u:{PW}@h!/db", "S3cretPw0rd"},
	{"postgresql://u@h/db?password={PW}&port=x", "S3cretPw0rd"},
	{"postgresql://u@h/db?password={PW}", "S3c=Ret"},
	{"postgresql://u@h/db?password={PW}", "S3c%zzRet"},
	{"postgresql://u@h/db?password={PW}&sslmode=x", "S3c&Ret"},
	{"postgresql://u@h/db?sslpassword={PW}&sslmode=bogus", "S3cretPw0rd"},
	{"postgres://{PW}@h:x/db", "S3cretPw0rd"},
	{"postgres://u:{PW}", "S3cretPw0rd:1"},
}

// FuzzParseErrorHidesPassword plants a password in a connection string and runs the
// parse step of `pgcheckup run` (targets: connStrings, then nodeConfig): nothing it says, in its
// error or in its log, may hold a piece of the password.
func FuzzParseErrorHidesPassword(f *testing.F) {
	for _, s := range secretShapes {
		f.Add(s.template, s.password)
	}
	// No ~/.pgpass of the machine running the tests takes part.
	f.Setenv("PGPASSFILE", filepath.Join(f.TempDir(), "absent"))
	f.Setenv("PGSERVICEFILE", filepath.Join(f.TempDir(), "absent"))
	f.Fuzz(func(t *testing.T, template, password string) {
		if len(password) < 4 || !strings.Contains(template, pwMark) {
			return
		}
		c := defaults()
		c.Connection = strings.ReplaceAll(template, pwMark, password)
		var logs bytes.Buffer
		log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		_, err := targets(&c, log)
		said := logs.String()
		if err != nil {
			said += "\n" + err.Error()
		}
		if piece := passwordPiece(said, password); piece != "" {
			t.Errorf("%q with password %q: output holds %q:\n%s", template, password, piece, said)
		}
	})
}

// passwordPiece returns a piece of password, at least 4 bytes long, that appears in
// said. Only pieces with a capital letter count: pgcheckup's own words are lower case,
// so a piece like "node" or " 1: " says nothing about a leak.
func passwordPiece(said, password string) string {
	for i := 0; i+4 <= len(password); i++ {
		piece := password[i : i+4]
		if strings.ContainsAny(piece, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") && strings.Contains(said, piece) {
			return piece
		}
	}
	return ""
}
