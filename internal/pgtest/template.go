package pgtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// A new cluster's data folder is a copy of one initdb kept per server build in the cache
// folder: initdb costs about a second of CPU, a copy a tenth of that, and a CI run starts
// over a thousand clusters on two cores. initdb's output depends on nothing but the
// binaries (every setting of Options is written to postgresql.conf afterwards).

// templateFormat changes when what is kept changes, so that an older template is not used.
const templateFormat = "2" // 2: without statistics files

// templateDir is where the initdb of the server in bin, version v, is kept.
func templateDir(bin, v string) string {
	h := sha256.Sum256([]byte(templateFormat + "\x00" + bin + "\x00" + v))
	return filepath.Join(CacheDir(), "initdb", hex.EncodeToString(h[:8]))
}

// copyTemplate fills c's data folder from the kept initdb, making that first if there
// is none, and gives the copy a system identifier of its own.
func (c *Cluster) copyTemplate() error {
	dir := templateDir(c.Bin, c.Version)
	if _, err := os.Stat(filepath.Join(dir, "data", "PG_VERSION")); err != nil {
		if err := c.makeTemplate(dir); err != nil {
			return err
		}
	}
	// cp -a keeps owner and the 0700 mode the server insists on.
	if out, err := exec.Command("cp", "-a", filepath.Join(dir, "data"), c.DataDir()).CombinedOutput(); err != nil {
		return fmt.Errorf("copy initdb template: %w: %s", err, out)
	}
	return newSystemID(c.DataDir())
}

// makeTemplate runs initdb into a folder beside dir and renames it to dir, so that a
// test binary running at the same time sees a whole template or none. The loser of a
// race keeps the winner's.
func (c *Cluster) makeTemplate(dir string) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".initdb-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) // after a successful rename there is nothing left to remove
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := c.user.chown(tmp); err != nil {
		return err
	}
	if err := c.run("initdb", "-D", filepath.Join(tmp, "data"), "-U", Superuser, "-E", "UTF8", "--locale=C",
		"-A", "trust", "--no-sync"); err != nil {
		return err
	}
	// The statistics initdb's server saved at its shutdown would come back in every
	// copy, with their timestamps: a cluster started days later would show vacuums and
	// a statistics reset of the template's day. Without the files each copy starts
	// with its statistics reset at its first start.
	stats, err := filepath.Glob(filepath.Join(tmp, "data", "pg_stat", "*"))
	if err != nil {
		return err
	}
	for _, f := range stats {
		if err := os.RemoveAll(f); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, serr := os.Stat(filepath.Join(dir, "data", "PG_VERSION")); serr == nil {
			return nil
		}
		return err
	}
	return nil
}

// newSystemID gives the stopped cluster in data a new system identifier, made as initdb
// makes one. Copies of one initdb would otherwise share it, and pgcheckup tells clusters
// apart by it (a node's primary, a reconnect to another server, kept snapshots). The
// identifier is kept in global/pg_control, under its CRC-32C, and in the header of each
// WAL segment's first page, which the server checks against pg_control.
func newSystemID(data string) error {
	ctl := filepath.Join(data, "global", "pg_control")
	b, err := os.ReadFile(ctl)
	if err != nil {
		return err
	}
	if len(b) < 512 {
		return fmt.Errorf("%s: %d bytes", ctl, len(b))
	}
	old := b[:8:8]
	// The CRC covers ControlFileData up to its last field, the CRC itself, whose offset
	// differs between majors: it is where the CRC of what precedes it is found.
	at := -1
	for o := 16; o+4 <= 512; o += 4 {
		if crc32.Checksum(b[:o], castagnoli) == binary.NativeEndian.Uint32(b[o:]) {
			at = o
			break
		}
	}
	if at < 0 {
		return fmt.Errorf("%s: no CRC found", ctl)
	}
	now := time.Now()
	id := uint64(now.Unix())<<32 | uint64(now.Nanosecond()/1000)<<12 | uint64(rand.IntN(1<<12))
	segs, err := filepath.Glob(filepath.Join(data, "pg_wal", "[0-9A-F]*"))
	if err != nil {
		return err
	}
	var idb [8]byte
	binary.NativeEndian.PutUint64(idb[:], id)
	for _, s := range segs {
		if len(filepath.Base(s)) != 24 {
			continue // a .history or .partial file
		}
		if err := patchSegment(s, old, idb[:]); err != nil {
			return err
		}
	}
	out := bytes.Clone(b)
	copy(out, idb[:])
	binary.NativeEndian.PutUint32(out[at:], crc32.Checksum(out[:at], castagnoli))
	return os.WriteFile(ctl, out, 0o600)
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// walSysIDOffset is where a segment's first page (a long page header) holds the system
// identifier: after the 24 bytes of the short header on a 64-bit build.
const walSysIDOffset = 24

func patchSegment(path string, old, id []byte) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	var got [8]byte
	if _, err := f.ReadAt(got[:], walSysIDOffset); err != nil {
		return err
	}
	if !bytes.Equal(got[:], old) {
		return errors.New(path + ": its system identifier is not pg_control's")
	}
	if _, err := f.WriteAt(id, walSysIDOffset); err != nil {
		return err
	}
	return f.Close()
}
