package reporttest

import (
	"bytes"
	"os/exec"
	"testing"
)

// TinyFS mounts a tmpfs of size (like "64k") on a new folder for the test: a disk that
// fills up. It needs root (or CAP_SYS_ADMIN) and skips with a clear message where
// mounting is not permitted.
func TinyFS(t testing.TB, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tiny tmpfs to fill up (needs root): %v: %s", err, bytes.TrimSpace(out))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
		}
	})
	return dir
}
