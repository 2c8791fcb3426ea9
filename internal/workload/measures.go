package workload

// Measures the workload checks rank by. The pipeline fetches the texts of the first
// statements by every one of them (Candidates), so each check's listing has its texts.
var (
	ByTime        = func(c Counters) float64 { return c.TimeMS() }                          // K003
	ByTempWritten = func(c Counters) float64 { return float64(c.TempWritten) }              // K004
	ByWALBytes    = func(c Counters) float64 { return c.WALBytes }                          // K005
	BySharedRead  = func(c Counters) float64 { return float64(c.SharedRead) }               // K006
	BySharedHit   = func(c Counters) float64 { return float64(c.SharedHit) }                // K007
	ByHitAndRead  = func(c Counters) float64 { return float64(c.SharedHit + c.SharedRead) } // K008
	ByMeanTime    = func(c Counters) float64 { return perCall(c.TimeMS(), c.Calls) }        // M001
	ByRowsPerCall = func(c Counters) float64 { return perCall(float64(c.Rows), c.Calls) }   // M002
	ByIOTime      = func(c Counters) float64 { return c.IOTimeMS() }                        // M003
	AllMeasures   = []func(Counters) float64{ByTime, ByTempWritten, ByWALBytes, BySharedRead, BySharedHit, ByHitAndRead, ByMeanTime, ByRowsPerCall, ByIOTime}
)

func perCall(v float64, calls int64) float64 {
	if calls == 0 {
		return 0
	}
	return v / float64(calls)
}
