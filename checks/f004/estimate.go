package f004

import (
	"fmt"
	"math"

	"github.com/pgcheckup/pgcheckup/checks"
)

// Sizes from the server's source (64-bit builds: MAXALIGN 8).
const (
	maxAlign       = 8
	pageHeader     = 24 // SizeOfPageHeaderData
	itemID         = 4  // ItemIdData, the line pointer of each tuple
	heapTupleHdr   = 23 // SizeofHeapTupleHeader, before the null bitmap
	shortVarlenaMx = 127
)

// relRow is one table as f004.sql returns it.
type relRow struct {
	OID              uint32
	Schema, Name     string
	MatView          bool
	Pages            int64
	Tuples           float64
	ToastPages       int64
	Fillfactor       int
	BlockSize        int
	RLSHides         bool
	ModsSinceAnalyze *int64
	Cols             []column // attnum order, dropped columns included
	Total            int      // tables that pass the size floor, listed or not
}

// column is one attribute with the pg_stats figures the role can see.
type column struct {
	Len      int // attlen: > 0 fixed width, -1 varlena, -2 cstring
	Align    int // 1, 2, 4 or 8
	Dropped  bool
	Virtual  bool // a virtual generated column (18): stored as NULL, no statistics
	Visible  bool // the role may read its pg_stats row
	HasStats bool
	Width    float64 // pg_stats.avg_width
	NullFrac float64
}

// expected is the width a column takes when not null, and how often it is null. A dropped
// column is null in every row written since the drop (a rewrite drops the old values); a
// virtual generated column is null in every row (its bit in the null bitmap is all it
// takes). A fixed-width column without statistics is assumed never null.
func (c column) expected() (width, nullFrac float64) {
	switch {
	case c.Dropped, c.Virtual:
		return 0, 1
	case c.HasStats && c.Len < 0:
		// ANALYZE stores the average width truncated to an integer (stawidth is int4):
		// half a byte is lost on average, which on narrow rows decides where the row
		// ends against the 8-byte alignment.
		return c.Width + 0.5, c.NullFrac
	case c.HasStats:
		return c.Width, c.NullFrac
	case c.Len > 0:
		return float64(c.Len), 0
	}
	return 0, 0
}

func alignUp(x float64, a int) float64 { return math.Ceil(x/float64(a)) * float64(a) }

// dataWidth lays the columns out as heap_fill_tuple does: a null takes no space and no
// padding; a value starts at its type's alignment, except a short varlena (1-byte header,
// up to 126 data bytes), which is not aligned. With a null fraction the offset is the
// expectation over null and not null. pg_stats.avg_width is the stored width: the
// compressed size of an inline compressed value, 18 bytes for a value moved to TOAST.
func dataWidth(cols []column) float64 {
	off := 0.0
	for _, c := range cols {
		w, nf := c.expected()
		if nf >= 1 {
			continue
		}
		al := c.Align
		if c.Len == -1 && w <= shortVarlenaMx {
			al = 1
		}
		off = nf*off + (1-nf)*(alignUp(off, al)+w)
	}
	return off
}

// hasNulls tells whether rows carry a null bitmap. Counting it for every row when some
// are null overstates the row a little (the estimate errs towards less bloat).
func hasNulls(cols []column) bool {
	for _, c := range cols {
		if _, nf := c.expected(); nf > 0 {
			return true
		}
	}
	return false
}

func estimate(r relRow, cfg Config) Table {
	t := Table{Schema: checks.Name(r.Schema), Table: checks.Name(r.Name), Kind: "table",
		Pages: r.Pages, SizeBytes: r.Pages * int64(r.BlockSize), ToastBytes: r.ToastPages * int64(r.BlockSize),
		Rows: checks.Estimate(r.Tuples), Fillfactor: r.Fillfactor, ModsSinceAnalyze: estimatePtr(r.ModsSinceAnalyze)}
	if r.MatView {
		t.Kind = "materialized view"
	}
	withStats, missingVar, missingFixed := 0, 0, 0
	for _, c := range r.Cols {
		switch {
		case c.Dropped, c.Virtual:
			continue
		case !c.Visible:
			t.ColumnsHidden++
		case c.HasStats:
			withStats++
		case c.Len > 0:
			missingFixed++
		default:
			missingVar++
		}
		t.Columns++
	}
	t.ColumnsNoStats = missingVar + missingFixed
	var unknown, low []checks.Label
	switch {
	case r.RLSHides:
		unknown = append(unknown, "row-level security is active for the role, so pg_stats hides this table's statistics")
		t.Cause = causeHidden
	case t.ColumnsHidden > 0:
		unknown = append(unknown, checks.Label(fmt.Sprintf("the role cannot read the statistics of %d of %d columns (pg_stats shows a column only to roles that may SELECT it)", t.ColumnsHidden, t.Columns)))
		t.Cause = causeHidden
	case t.Columns > 0 && withStats == 0:
		unknown = append(unknown, "no column statistics: the table was never analyzed")
		t.Cause = causeMissing
	case missingVar > 0:
		unknown = append(unknown, checks.Label(fmt.Sprintf("%d variable-width column(s) have no statistics (added after the last ANALYZE, or SET STATISTICS 0), so their width is unknown", missingVar)))
		t.Cause = causeMissing
	case missingFixed > 0:
		low = append(low, checks.Label(fmt.Sprintf("%d fixed-width column(s) have no statistics; assumed never NULL", missingFixed)))
	}
	if r.Tuples < 0 { // ANALYZE is the first fix whoever reads the statistics
		unknown = append(unknown, "never vacuumed or analyzed (reltuples is -1)")
		t.Cause = causeMissing
	}
	if m := r.ModsSinceAnalyze; m != nil && r.Tuples >= 0 && float64(*m) > cfg.StalePercent/100*math.Max(r.Tuples, 1) {
		low = append(low, checks.Label(fmt.Sprintf("statistics are stale: more rows changed since the last ANALYZE than %g%% of the rows it counted", cfg.StalePercent)))
	}
	if r.Pages < cfg.MinPages {
		// Said before anything else: whatever the statistics, no percentage is given.
		unknown = append([]checks.Label{checks.Label(fmt.Sprintf("%d pages, under min_pages (%d): a page more or less is too large a share to judge", r.Pages, cfg.MinPages))}, unknown...)
	}
	t.Reasons = append(unknown, low...)
	switch {
	case r.Pages < cfg.MinPages:
		t.Confidence, t.Cause = TooSmall, ""
		return t
	case len(unknown) > 0:
		t.Confidence = Unknown
		return t
	case len(low) > 0:
		t.Confidence = Low
	default:
		t.Confidence = High
	}
	tuple, perPage, minPages := heapPages(r)
	bloat := max(0, r.Pages-minPages)
	bytes := bloat * int64(r.BlockSize)
	pct := 0.0
	if r.Pages > 0 {
		pct = 100 * float64(bloat) / float64(r.Pages)
	}
	t.TupleBytes, t.RowsPerPage, t.MinPages, t.BloatBytes, t.BloatPct = &tuple, &perPage, &minPages, &bytes, &pct
	return t
}

// heapPages is the size the table would have right after a rewrite (VACUUM FULL, CLUSTER,
// pg_repack): rows packed at the fillfactor, as RelationGetBufferForTuple fills pages.
func heapPages(r relRow) (tuple, perPage float64, pages int64) {
	bs := float64(r.BlockSize)
	hdr := float64(heapTupleHdr)
	if hasNulls(r.Cols) {
		hdr += math.Ceil(float64(len(r.Cols)) / 8)
	}
	tuple = alignUp(hdr, maxAlign) + alignUp(dataWidth(r.Cols), maxAlign) + itemID
	ff := min(max(r.Fillfactor, 10), 100)
	reserve := float64(r.BlockSize * (100 - ff) / 100) // RelationGetTargetPageFreeSpace
	maxPerPage := math.Floor((bs - pageHeader) / (alignUp(heapTupleHdr, maxAlign) + itemID))
	perPage = min(max(math.Floor((bs-pageHeader-reserve)/tuple), 1), maxPerPage)
	if r.Tuples > 0 {
		pages = int64(math.Ceil(r.Tuples / perPage))
	}
	return tuple, perPage, pages
}

func estimatePtr(n *int64) *checks.Estimate {
	if n == nil {
		return nil
	}
	e := checks.Estimate(*n)
	return &e
}
