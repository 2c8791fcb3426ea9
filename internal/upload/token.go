package upload

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// TokenEnv is the environment variable that holds the platform token.
const TokenEnv = "PGCHECKUP_TOKEN"

// LoadToken returns the token from PGCHECKUP_TOKEN, else from tokenFile, which must be
// a regular file that only its owner can read (mode 0600 or stricter), as for
// ~/.pgpass. The token is never printed: errors name the variable or the file only.
func LoadToken(getenv func(string) string, tokenFile string) (string, error) {
	if t := getenv(TokenEnv); t != "" {
		return checkToken(strings.TrimSpace(t), TokenEnv)
	}
	if tokenFile == "" {
		return "", errors.New("no platform token: set " + TokenEnv + " or token_file in the config file")
	}
	fi, err := os.Stat(tokenFile)
	if err != nil {
		return "", fmt.Errorf("token file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("token file %s: not a regular file", tokenFile)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return "", fmt.Errorf("token file %s has mode %04o: group or others can read or change it; chmod 600 it", tokenFile, perm)
	}
	b, err := os.ReadFile(tokenFile)
	if err != nil {
		return "", fmt.Errorf("token file: %w", err)
	}
	return checkToken(strings.TrimSpace(string(b)), "token file "+tokenFile)
}

// checkToken refuses an empty token or one that cannot be an HTTP header value,
// without quoting it.
func checkToken(t, where string) (string, error) {
	if t == "" {
		return "", fmt.Errorf("%s: the token is empty", where)
	}
	if len(t) > 4096 {
		return "", fmt.Errorf("%s: the token is longer than 4096 bytes", where)
	}
	for i := 0; i < len(t); i++ {
		if t[i] < 0x21 || t[i] > 0x7e {
			return "", fmt.Errorf("%s: the token holds a space, control or non-ASCII character (byte %d)", where, i+1)
		}
	}
	return t, nil
}
