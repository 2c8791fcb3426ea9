package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// singleDashLong refuses a long flag written with one dash (-project x), which Go's flag
// package accepted and pflag reads as short flags (-p roject): the user is told the
// spelling that works rather than a puzzling error about the port.
func singleDashLong(fs *pflag.FlagSet, args []string) error {
	for _, a := range args {
		if a == "--" {
			return nil
		}
		if len(a) < 3 || a[0] != '-' || a[1] == '-' {
			continue
		}
		name, _, _ := strings.Cut(a[1:], "=")
		if fl := fs.Lookup(name); fl != nil {
			return cfgErr("%s: long options take two dashes: --%s", a, a[1:])
		}
	}
	return nil
}

// parseCommand parses a command's flags. done is true when the command ends here: with
// --help (its usage and flags on stdout, exit 0) or a usage error (exit 2).
func parseCommand(fs *pflag.FlagSet, args []string, stdout io.Writer, usage string) (done bool, code int, err error) {
	help := fs.Lookup("help") == nil
	if help {
		fs.Bool("help", false, "show this help, then exit")
	}
	if err := singleDashLong(fs, args); err != nil {
		return true, exitUsage, err
	}
	if err := fs.Parse(args); err != nil {
		return true, exitUsage, cfgErr("%s: %v (see 'pgcheckup %s --help')", fs.Name(), err, fs.Name())
	}
	if h, _ := fs.GetBool("help"); h {
		fmt.Fprintf(stdout, "%s\n\nOptions:\n%s", usage, fs.FlagUsagesWrapped(100))
		return true, exitOK, nil
	}
	return false, 0, nil
}
