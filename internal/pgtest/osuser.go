package pgtest

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"syscall"
)

// Postgres refuses to run as root. When the harness runs as root it runs the server as
// this system user (PGCHECKUP_PG_OSUSER, default "pgcheckup"), creating it if needed.
type osUser struct {
	name     string
	uid, gid uint32
	asRoot   bool // we are root and switch to this user
}

func serverUser() (osUser, error) {
	if os.Geteuid() != 0 {
		u, _ := user.Current()
		name := ""
		if u != nil {
			name = u.Username
		}
		return osUser{name: name}, nil
	}
	name := os.Getenv("PGCHECKUP_PG_OSUSER")
	if name == "" {
		name = "pgcheckup"
	}
	u, err := user.Lookup(name)
	if err != nil {
		out, cerr := exec.Command("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name).CombinedOutput()
		if cerr != nil {
			// Another test binary may have created it at the same moment.
			if u, err = user.Lookup(name); err != nil {
				return osUser{}, fmt.Errorf("create system user %s: %w: %s", name, cerr, out)
			}
		} else if u, err = user.Lookup(name); err != nil {
			return osUser{}, err
		}
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return osUser{name: name, uid: uint32(uid), gid: uint32(gid), asRoot: true}, nil
}

func (u osUser) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	if u.asRoot {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: u.uid, Gid: u.gid}}
	}
	// A locale in the environment would override --locale=C for lc_messages and friends.
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
	return cmd
}

func (u osUser) chown(path string) error {
	if !u.asRoot {
		return nil
	}
	return os.Lchown(path, int(u.uid), int(u.gid))
}
