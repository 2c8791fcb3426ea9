package main

import (
	"fmt"
	"io"
	"os"

	"github.com/pgcheckup/pgcheckup/internal/pipeline"
	"golang.org/x/term"
)

// passwordInput is where -W reads the password; a test puts a pipe here.
var passwordInput = os.Stdin

// promptPassword asks for the password once, as psql -W does, without echo. It needs a
// terminal: a password piped in would sit in a shell history or a script, where
// ~/.pgpass or PGPASSWORD are the documented ways.
func promptPassword(in *os.File, prompt io.Writer) (string, error) {
	fd := int(in.Fd())
	if !term.IsTerminal(fd) {
		return "", cfgErr("-W/--password prompts on a terminal and stdin is none: put the password in ~/.pgpass (mode 0600) or PGPASSWORD instead")
	}
	fmt.Fprint(prompt, "Password: ")
	pw, err := term.ReadPassword(fd)
	fmt.Fprintln(prompt)
	if err != nil {
		return "", cfgErr("-W/--password: cannot read the password: %v", err)
	}
	return string(pw), nil
}

// usePassword puts the typed password into every node's connection (its fallback hosts
// share it) over any the string, PGPASSWORD or ~/.pgpass gave: -W means "this one".
// Discovered standbys and other databases copy the connection, password included. It is
// never logged: session.Connect strips it from errors.
func usePassword(tg []pipeline.Target, pw string) {
	for _, t := range tg {
		t.Conn.Password = pw
	}
}
