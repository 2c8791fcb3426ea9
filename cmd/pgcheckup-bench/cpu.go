package main

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of the CPU times in /proc/PID/stat (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// serverCPU is the CPU time a server has used so far: its postmaster's own, that of
// the children it has reaped (every backend of a finished session) and that of its
// live children (walsender, checkpointer, a backend still running). Its difference
// over a run is what the run cost the server, whatever process did the work.
func serverCPU(postmaster int) time.Duration {
	own, reaped := procCPU(postmaster)
	total := own + reaped
	for _, pid := range children(postmaster) {
		c, _ := procCPU(pid)
		total += c
	}
	return total
}

// procCPU reads utime+stime and cutime+cstime of pid (zero when it is gone).
func procCPU(pid int) (own, reaped time.Duration) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0
	}
	// fields after "pid (comm)": state is 0, utime 11, stime 12, cutime 13, cstime 14
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 15 {
		return 0, 0
	}
	tick := func(s string) time.Duration {
		n, _ := strconv.ParseInt(s, 10, 64)
		return time.Duration(n) * clockTick
	}
	return tick(f[11]) + tick(f[12]), tick(f[13]) + tick(f[14])
}
