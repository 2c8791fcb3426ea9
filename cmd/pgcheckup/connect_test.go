package main

import (
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestConnStrings(t *testing.T) {
	c := defaults()
	c.Connection = "postgres://app:pw@db0:5432/app?sslmode=require"
	c.Hosts = []string{"db1", "db2:6432", "[::1]:7000"}
	c.Username = "checkup"
	want := []struct {
		host string
		port uint16
	}{{"db1", 5432}, {"db2", 6432}, {"::1", 7000}}
	for i, cs := range connStrings(&c) {
		pc, err := pgx.ParseConfig(cs)
		if err != nil {
			t.Fatal(err)
		}
		if pc.Host != want[i].host || pc.Port != want[i].port || pc.User != "checkup" || pc.Database != "app" || pc.Password != "pw" {
			t.Errorf("node %d: %s:%d user %s db %s", i, pc.Host, pc.Port, pc.User, pc.Database)
		}
	}
	c = defaults()
	c.Connection = `dbname=x user='o\'neil'`
	c.Hosts = []string{"h1"}
	c.DBName = "it's"
	pc, err := pgx.ParseConfig(connStrings(&c)[0])
	if err != nil || pc.Database != "it's" || pc.Host != "h1" {
		t.Fatalf("keyword/value overlay: %v %+v", err, pc)
	}
}
