package workload

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

func snap(at time.Duration, entries ...Entry) *Snapshot {
	return &Snapshot{Format: FormatVersion, Taken: t0.Add(at), PostmasterStart: t0.Add(-time.Hour),
		ServerVersion: 150004, ExtVersion: "1.10", Features: Features{Plan: true, WAL: true, TopLevel: true},
		Entries: entries}
}

func entry(id int64, calls int64, ms float64) Entry {
	return Entry{Key: Key{QueryID: id, UserID: 10, DBID: 5, TopLevel: true},
		Counters: Counters{Calls: calls, ExecMS: ms, Rows: calls, SharedHit: 10 * calls, WALBytes: float64(100 * calls)}}
}

func since(e Entry, at time.Duration) Entry {
	s := t0.Add(at)
	e.StatsSince = &s
	return e
}

func byID(t *testing.T, w *Window, id int64) *EntryDelta {
	t.Helper()
	for i := range w.Deltas {
		if w.Deltas[i].QueryID == id && !w.Deltas[i].Hidden {
			return &w.Deltas[i]
		}
	}
	return nil
}

func mustDelta(t *testing.T, prev, cur *Snapshot) *Window {
	t.Helper()
	w, err := Delta(prev, cur)
	if err != nil {
		t.Fatal(err)
	}
	noNegatives(t, w, cur)
	return w
}

// noNegatives checks the promise: no delta below zero, none above the entry's counters.
func noNegatives(t *testing.T, w *Window, cur *Snapshot) {
	t.Helper()
	now := map[Key]Counters{}
	for _, e := range cur.Entries {
		now[e.Key] = e.Counters
	}
	for _, d := range w.Deltas {
		c := d.Counters
		for i, p := range c.ints() {
			if *p < 0 || *p > *(ptr(now[d.Key]).ints()[i]) {
				t.Errorf("%+v: counter %d is %d (entry has %d)", d.Key, i, *p, *(ptr(now[d.Key]).ints()[i]))
			}
		}
		for i, p := range c.floats() {
			if *p < 0 || *p > *(ptr(now[d.Key]).floats()[i]) {
				t.Errorf("%+v: counter %d is %g (entry has %g)", d.Key, i, *p, *(ptr(now[d.Key]).floats()[i]))
			}
		}
	}
}

func ptr(c Counters) *Counters { return &c }

func TestDeltaExactAndIdle(t *testing.T) {
	prev := snap(0, entry(1, 10, 100), entry(2, 5, 50), entry(-9223372036854775808, 1, 1))
	cur := snap(10*time.Minute, entry(1, 25, 400), entry(2, 5, 50), entry(-9223372036854775808, 2, 3))
	w := mustDelta(t, prev, cur)
	if w.Seconds != 600 || len(w.Deltas) != 2 || w.Idle != 1 {
		t.Fatalf("seconds %v, deltas %d, idle %d", w.Seconds, len(w.Deltas), w.Idle)
	}
	d := byID(t, w, 1)
	if d.Status != Exact || d.Calls != 15 || d.ExecMS != 300 || d.WALBytes != 1500 || d.SharedHit != 150 {
		t.Fatalf("delta %+v", d)
	}
	if w.Deltas[0].QueryID != 1 || w.Totals.Calls != 16 || w.Totals.ExecMS != 302 || w.ExactMS != 302 || w.Attributed != 1 {
		t.Fatalf("order or totals: %+v", w)
	}
	if w.Reset || w.Vanished != 0 || w.Appeared != 0 {
		t.Fatalf("window %+v", w)
	}
}

func TestDeltaAppear(t *testing.T) {
	prev := snap(0, entry(1, 10, 100))
	t.Run("no stats_since: created after prev, counted from zero", func(t *testing.T) {
		w := mustDelta(t, prev, snap(time.Minute, entry(1, 10, 100), entry(2, 3, 30)))
		if d := byID(t, w, 2); d == nil || d.Status != New || d.Calls != 3 || w.Appeared != 1 {
			t.Fatalf("%+v", w)
		}
	})
	t.Run("stats_since inside the window", func(t *testing.T) {
		p := snap(0, since(entry(1, 10, 100), -time.Hour))
		p.Features.StatsSince = true
		c := snap(time.Minute, since(entry(1, 10, 100), -time.Hour), since(entry(2, 3, 30), 30*time.Second))
		c.Features.StatsSince = true
		w := mustDelta(t, p, c)
		if d := byID(t, w, 2); d == nil || d.Status != New || d.Calls != 3 {
			t.Fatalf("%+v", w)
		}
	})
	t.Run("stats_since before prev: not counted", func(t *testing.T) {
		p := snap(0, since(entry(1, 10, 100), -time.Hour))
		c := snap(time.Minute, since(entry(1, 12, 120), -time.Hour), since(entry(2, 1000, 5000), -2*time.Hour))
		p.Features.StatsSince, c.Features.StatsSince = true, true
		w := mustDelta(t, p, c)
		if byID(t, w, 2) != nil || w.Unknown != 1 || w.UnknownMS != 5000 || w.Totals.Calls != 2 {
			t.Fatalf("%+v", w)
		}
		if want := 20.0 / 5020; w.Attributed != want {
			t.Fatalf("attributed %v, want %v", w.Attributed, want)
		}
	})
	t.Run("was perhaps one of prev's hidden entries", func(t *testing.T) {
		h := entry(0, 50, 500)
		h.Hidden, h.HiddenEntries = true, 2
		w := mustDelta(t, snap(0, entry(1, 10, 100), h), snap(time.Minute, entry(1, 10, 100), entry(7, 40, 400)))
		if byID(t, w, 7) != nil || w.Unknown != 1 {
			t.Fatalf("%+v", w)
		}
	})
}

func TestDeltaVanishAndDealloc(t *testing.T) {
	prev := snap(0, entry(1, 10, 100), entry(2, 5, 50), entry(3, 1, 1))
	d0, d1 := int64(7), int64(9)
	reset := t0.Add(-24 * time.Hour)
	prev.Dealloc, prev.StatsReset, prev.Features.Info = &d0, &reset, true
	cur := snap(time.Minute, entry(1, 11, 110), entry(4, 1, 2))
	cur.Dealloc, cur.StatsReset, cur.Features.Info = &d1, &reset, true
	w := mustDelta(t, prev, cur)
	if w.Vanished != 2 || w.Deallocated == nil || *w.Deallocated != 2 || w.Reset || w.Appeared != 1 {
		t.Fatalf("%+v", w)
	}
	if w.Totals.Calls != 2 || w.Start != prev.Taken {
		t.Fatalf("%+v", w)
	}
}

func TestDeltaResetWithInfo(t *testing.T) {
	prev := snap(0, entry(1, 1000, 10000), entry(2, 500, 5000))
	d0, d1 := int64(40), int64(0)
	r0, r1 := t0.Add(-24*time.Hour), t0.Add(20*time.Second)
	prev.Dealloc, prev.StatsReset, prev.Features.Info = &d0, &r0, true
	// entry 1 ran a lot more after the reset than before prev in total? no: fewer calls
	cur := snap(time.Minute, entry(1, 3, 30), entry(2, 800, 6000))
	cur.Dealloc, cur.StatsReset, cur.Features.Info = &d1, &r1, true
	w := mustDelta(t, prev, cur)
	if !w.Reset || w.ResetAt == nil || !w.Start.Equal(r1) || w.Seconds != 40 {
		t.Fatalf("%+v", w)
	}
	// after the reset every entry is new: entry 2's 800 calls are all in the window,
	// never 800-500
	if d := byID(t, w, 2); d.Status != New || d.Calls != 800 {
		t.Fatalf("%+v", d)
	}
	if d := byID(t, w, 1); d.Status != New || d.Calls != 3 {
		t.Fatalf("%+v", d)
	}
	if w.Deallocated == nil || *w.Deallocated != 0 {
		t.Fatalf("dealloc %v", w.Deallocated)
	}
}

func TestDeltaResetWithoutInfo(t *testing.T) {
	prev := snap(0, entry(1, 1000, 10000), entry(2, 500, 5000), entry(3, 9, 9))
	prev.ExtVersion, prev.Features = "1.7", Features{}
	cur := snap(time.Minute, entry(1, 3, 30), entry(2, 2, 20), entry(5, 1, 1))
	cur.ExtVersion, cur.Features = "1.7", Features{}
	w := mustDelta(t, prev, cur)
	if !w.Reset || w.ResetAt != nil || w.Restarted != 2 || w.Vanished != 1 {
		t.Fatalf("%+v", w)
	}
	if d := byID(t, w, 1); d.Status != Restarted || d.Calls != 3 {
		t.Fatalf("%+v", d)
	}
	if w.LowerBoundMS != 50 || w.ExactMS != 1 {
		t.Fatalf("%+v", w)
	}
}

func TestDeltaEntryRestarted(t *testing.T) {
	t.Run("counters went down", func(t *testing.T) {
		w := mustDelta(t, snap(0, entry(1, 100, 1000), entry(2, 10, 10)), snap(time.Minute, entry(1, 4, 40), entry(2, 20, 20)))
		if d := byID(t, w, 1); d.Status != Restarted || d.Calls != 4 || d.ExecMS != 40 {
			t.Fatalf("%+v", d)
		}
		if w.Reset || w.Restarted != 1 || w.LowerBoundMS != 40 || w.ExactMS != 10 || w.Attributed != 1 {
			t.Fatalf("%+v", w)
		}
	})
	t.Run("one counter went down", func(t *testing.T) {
		p, c := entry(1, 100, 1000), entry(1, 150, 1500)
		c.TempWritten, p.TempWritten = 1, 2
		w := mustDelta(t, snap(0, p), snap(time.Minute, c))
		if d := byID(t, w, 1); d.Status != Restarted || d.Calls != 150 {
			t.Fatalf("%+v", d)
		}
	})
	t.Run("stats_since changed, counters above prev", func(t *testing.T) {
		p := snap(0, since(entry(1, 10, 100), -time.Hour))
		c := snap(time.Minute, since(entry(1, 30, 300), 10*time.Second))
		p.Features.StatsSince, c.Features.StatsSince = true, true
		w := mustDelta(t, p, c)
		if d := byID(t, w, 1); d.Status != Restarted || d.Calls != 30 {
			t.Fatalf("%+v, want all 30 calls (the entry was created again in the window), not 20", d)
		}
	})
}

func TestDeltaHidden(t *testing.T) {
	h := func(calls int64, ms float64, n int) Entry {
		e := entry(0, calls, ms)
		e.Hidden, e.HiddenEntries = true, n
		return e
	}
	w := mustDelta(t, snap(0, h(10, 100, 3)), snap(time.Minute, h(15, 160, 3)))
	if len(w.Deltas) != 1 || w.Deltas[0].Status != Exact || w.Deltas[0].Calls != 5 {
		t.Fatalf("%+v", w)
	}
	w = mustDelta(t, snap(0, h(10, 100, 3)), snap(time.Minute, h(15, 160, 4)))
	if w.Deltas[0].Status != Restarted {
		t.Fatalf("%+v", w)
	}
	w = mustDelta(t, snap(0, h(10, 100, 3), entry(1, 1, 1)), snap(time.Minute, h(8, 90, 2), entry(1, 2, 2)))
	if w.Unknown != 1 || w.UnknownMS != 90 || len(w.Deltas) != 1 {
		t.Fatalf("a hidden sum that went down is not counted: %+v", w)
	}
}

func TestDeltaRefused(t *testing.T) {
	prev := snap(0, entry(1, 1, 1))
	restarted := snap(time.Minute, entry(1, 1, 1))
	restarted.PostmasterStart = t0.Add(30 * time.Second)
	other := snap(time.Minute)
	prev.SystemID, other.SystemID = "7312", "7313"
	for name, cur := range map[string]*Snapshot{"restart": restarted, "other cluster": other,
		"not later": snap(0), "upgraded": func() *Snapshot { s := snap(time.Minute); s.ServerVersion = 150005; return s }()} {
		w, err := Delta(prev, cur)
		var r *RefusedError
		if !errors.As(err, &r) || w != nil || r.Reason == "" {
			t.Errorf("%s: %v, %v", name, w, err)
		}
		t.Logf("%s: %v", name, err)
	}
}

func TestDeltaFeaturesDiffer(t *testing.T) {
	// ALTER EXTENSION pg_stat_statements UPDATE between the snapshots: the JIT counters
	// appear with their whole history, which is no delta.
	p := snap(0, entry(1, 10, 100))
	c := entry(1, 12, 120)
	c.JITFunctions, c.JITGenerationMS = 500, 900
	cur := snap(time.Minute, c)
	cur.Features.JIT, cur.ExtVersion = true, "1.11"
	w := mustDelta(t, p, cur)
	if d := byID(t, w, 1); d.JITFunctions != 0 || d.JITGenerationMS != 0 || d.Calls != 2 || w.Features.JIT {
		t.Fatalf("%+v", d)
	}
}

// TestDeltaNeverNegative throws random pairs of snapshots at Delta.
func TestDeltaNeverNegative(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		var pe, ce []Entry
		for id := range int64(30) {
			calls, ms := r.Int64N(1000), r.Float64()*1000
			if r.IntN(4) > 0 {
				pe = append(pe, entry(id, calls, ms))
			}
			switch r.IntN(4) {
			case 0: // vanished
			case 1: // went down
				ce = append(ce, entry(id, calls/2, ms/2))
			default:
				ce = append(ce, entry(id, calls+r.Int64N(100), ms+r.Float64()*100))
			}
		}
		cur := snap(time.Minute, ce...)
		w := mustDelta(t, snap(0, pe...), cur)
		if w.Attributed < 0 || w.Attributed > 1 || w.ExactMS < 0 || w.LowerBoundMS < 0 {
			t.Fatalf("%+v", w)
		}
	}
}
