package workload

// The counters as arrays of pointers, so that adding, subtracting and comparing them is
// written once.

func (c *Counters) ints() [23]*int64 {
	return [...]*int64{&c.Calls, &c.Plans, &c.Rows, &c.SharedHit, &c.SharedRead, &c.SharedDirtied,
		&c.SharedWritten, &c.LocalHit, &c.LocalRead, &c.LocalDirtied, &c.LocalWritten, &c.TempRead,
		&c.TempWritten, &c.WALRecords, &c.WALFPI, &c.WALBuffersFull, &c.JITFunctions, &c.JITInliningCount,
		&c.JITOptimizationCount, &c.JITEmissionCount, &c.JITDeformCount, &c.ParallelWorkersToLaunch,
		&c.ParallelWorkersLaunched}
}

func (c *Counters) floats() [14]*float64 {
	return [...]*float64{&c.ExecMS, &c.PlanMS, &c.BlkReadMS, &c.BlkWriteMS, &c.LocalBlkReadMS,
		&c.LocalBlkWriteMS, &c.TempBlkReadMS, &c.TempBlkWriteMS, &c.WALBytes, &c.JITGenerationMS,
		&c.JITInliningMS, &c.JITOptimizationMS, &c.JITEmissionMS, &c.JITDeformMS}
}

// add returns c + o.
func (c Counters) add(o Counters) Counters {
	ci, oi := c.ints(), o.ints()
	for i := range ci {
		*ci[i] += *oi[i]
	}
	cf, of := c.floats(), o.floats()
	for i := range cf {
		*cf[i] += *of[i]
	}
	return c
}

// sub returns c - o, and false when any counter of c is below o's: counters only grow
// while an entry lives, so the entry was reset or evicted and created again in between.
func (c Counters) sub(o Counters) (Counters, bool) {
	ci, oi := c.ints(), o.ints()
	for i := range ci {
		if *ci[i] < *oi[i] {
			return Counters{}, false
		}
		*ci[i] -= *oi[i]
	}
	cf, of := c.floats(), o.floats()
	for i := range cf {
		if *cf[i] < *of[i] {
			return Counters{}, false
		}
		*cf[i] -= *of[i]
	}
	return c, true
}

// IsZero reports whether no counter moved.
func (c Counters) IsZero() bool { return c == Counters{} }
