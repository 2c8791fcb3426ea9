package pgtest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"testing"
)

// AddCascadingStandby makes a standby that streams from s, itself a standby: AddStandby
// on s (a clean stop of s, whose data folder, already a standby's, is copied), with the
// copy's primary_conninfo pointing at s and an application_name numbered among all the
// standbys of the primary at the root of the chain, so that names stay unique
// (standby1 from the primary, standby2 from standby1, ...).
func (s *Cluster) AddCascadingStandby(ctx context.Context, settings map[string]string) (*Cluster, error) {
	if s.standbyOf == nil {
		return nil, errors.New("not a standby: use AddStandby")
	}
	root := s.standbyOf
	for root.standbyOf != nil {
		root = root.standbyOf
	}
	root.standbyIDs++
	conf := map[string]string{
		"primary_conninfo": fmt.Sprintf("'host=127.0.0.1 port=%d user=%s application_name=standby%d'", s.Port, Superuser, root.standbyIDs),
	}
	maps.Copy(conf, settings)
	return s.AddStandby(ctx, conf)
}

// CascadingStandbyForTest adds a standby of the standby s for t.
func CascadingStandbyForTest(t testing.TB, s *Cluster, settings map[string]string) *Cluster {
	t.Helper()
	c, err := s.AddCascadingStandby(context.Background(), settings)
	if err != nil {
		t.Fatalf("start cascading standby: %v", err)
	}
	t.Cleanup(func() { c.Destroy() })
	return c
}
