package pgtest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// AddStandby makes a streaming standby of c: it stops c cleanly, copies its data folder,
// adds standby.signal and primary_conninfo, and starts both. This works for every major
// without client tools. settings go into the standby's postgresql.conf (for example
// {"recovery_min_apply_delay": "'10s'"} for a lagging standby).
func (c *Cluster) AddStandby(ctx context.Context, settings map[string]string) (*Cluster, error) {
	if err := c.Stop(); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pgcheckup-pg-standby-")
	if err != nil {
		return nil, err
	}
	if err := c.user.chown(dir); err != nil {
		return nil, err
	}
	s := &Cluster{Bin: c.Bin, Dir: dir, user: c.user, Major: c.Major, Version: c.Version, standbyOf: c}
	// cp -a keeps owner and the 0700 mode the server insists on.
	if out, err := exec.Command("cp", "-a", c.DataDir(), s.DataDir()).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("copy data folder: %w: %s", err, out)
	}
	os.Remove(filepath.Join(s.DataDir(), "postmaster.pid"))
	// pg_basebackup leaves the primary's replication slots behind; so does this copy.
	slots, _ := filepath.Glob(filepath.Join(s.DataDir(), "pg_replslot", "*"))
	for _, slot := range slots {
		if err := os.RemoveAll(slot); err != nil {
			return nil, err
		}
	}
	signal := filepath.Join(s.DataDir(), "standby.signal")
	if err := os.WriteFile(signal, nil, 0o600); err != nil {
		return nil, err
	}
	if err := s.user.chown(signal); err != nil {
		return nil, err
	}
	c.standbyIDs++
	conf := map[string]string{
		"unix_socket_directories": "'" + s.Dir + "'",
		"hot_standby":             "on",
		"primary_conninfo": fmt.Sprintf("'host=127.0.0.1 port=%d user=%s application_name=standby%d'",
			c.Port, Superuser, c.standbyIDs),
	}
	for k, v := range settings {
		conf[k] = v
	}
	if err := s.appendConf(conf); err != nil {
		return nil, err
	}
	if err := c.start(ctx); err != nil {
		return nil, err
	}
	if err := s.startOnFreePort(ctx); err != nil {
		return nil, err
	}
	return s, nil
}
