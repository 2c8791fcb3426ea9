package main

import (
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestConnStrings(t *testing.T) {
	c := defaults()
	c.Connection = "postgres://app:pw@db0:5432/app?sslmode=require"
	c.Hosts = []string{"db1", "db2:6432", "[::1]:7000", "primary=db3:6543", "replica-2.eu=[::1]:7001"}
	c.Username = "checkup"
	want := []struct {
		alias, host string
		port        uint16
	}{{"", "db1", 5432}, {"", "db2", 6432}, {"", "::1", 7000}, {"primary", "db3", 6543}, {"replica-2.eu", "::1", 7001}}
	for i, n := range connStrings(&c) {
		pc, err := pgx.ParseConfig(n.cs)
		if err != nil {
			t.Fatal(err)
		}
		if n.alias != want[i].alias || pc.Host != want[i].host || pc.Port != want[i].port || pc.User != "checkup" || pc.Database != "app" || pc.Password != "pw" {
			t.Errorf("node %d: alias %q %s:%d user %s db %s", i, n.alias, pc.Host, pc.Port, pc.User, pc.Database)
		}
	}
	c = defaults()
	c.Connection = `dbname=x user='o\'neil'`
	c.Hosts = []string{"h1"}
	c.DBName = "it's"
	pc, err := pgx.ParseConfig(connStrings(&c)[0].cs)
	if err != nil || pc.Database != "it's" || pc.Host != "h1" {
		t.Fatalf("keyword/value overlay: %v %+v", err, pc)
	}
}
