package kseries

import (
	"errors"
	"fmt"
)

// HitConfig are the thresholds of the hit-ratio findings of K006 and K008.
type HitConfig struct {
	TopN int `toml:"top_n"` // statement groups listed
	// MinHitPercent: a shared-buffer hit ratio below it is a finding ...
	MinHitPercent float64 `toml:"min_hit_percent"`
	// MinReadBytesPerSecond: ... when the blocks read from outside shared buffers come
	// to at least this many bytes per second of the span (a significant volume).
	MinReadBytesPerSecond float64 `toml:"min_read_bytes_per_second"`
}

// DefaultHitConfig are HitConfig's defaults: 20 rows, 95%, 1 MiB/s.
func DefaultHitConfig() HitConfig {
	return HitConfig{TopN: 20, MinHitPercent: 95, MinReadBytesPerSecond: 1 << 20}
}

// Validate implements checks.Validator.
func (c *HitConfig) Validate() error {
	switch {
	case c.TopN < 1:
		return errors.New("top_n must be at least 1")
	case c.MinHitPercent > 100:
		return fmt.Errorf("min_hit_percent is %g, at most 100", c.MinHitPercent)
	}
	return nil
}

// LowHit reports whether hit and read (blocks, over seconds) make a low hit ratio on a
// significant volume under c, with the ratio in percent and the read rate in bytes/s.
func (c HitConfig) LowHit(hit, read int64, seconds float64, blockSize int64) (bool, float64, float64) {
	if hit+read <= 0 || read <= 0 {
		return false, 100, 0
	}
	ratio := 100 * float64(hit) / float64(hit+read)
	rate := PerSecond(float64(read)*float64(blockSize), seconds)
	return ratio < c.MinHitPercent && rate >= c.MinReadBytesPerSecond, ratio, rate
}

// HitDoc documents HitConfig for a check's doc.
const HitDoc = "`min_hit_percent` (default 95) on a significant volume: blocks read from outside shared buffers at\n" +
	"  `min_read_bytes_per_second` (default 1048576, 1 MiB) or more per second of the span"

// HitRecommendation is what to do about a low hit ratio.
const HitRecommendation = "A block read from outside shared buffers may still come from the operating system's page cache: " +
	"with `track_io_timing` on, M003 shows what the reads cost. Compare `shared_buffers` with the data the workload keeps " +
	"touching (the usual start is a quarter of the RAM), and look at the plans of the statements that read the most " +
	"(K006): a sequential scan of a large table where an index would do reads every page of it."
