package f005

import (
	"fmt"
	"math"

	"github.com/pgcheckup/pgcheckup/checks"
)

// Sizes from the server's source (64-bit builds: MAXALIGN 8).
const (
	maxAlign       = 8
	itemID         = 4 // ItemIdData
	indexTupleHdr  = 8 // IndexTupleData; MAXALIGN(8 + 4-byte null bitmap) = 16 with NULLs
	shortVarlenaMx = 127
	// Free space of an empty btree page before its first item: block size less page
	// header (24), btree special space (16), the reserved high-key line pointer (4) and
	// the line pointer PageGetFreeSpace subtracts (4).
	btreePageOverhead = 48
	nonLeafFillfactor = 70 // BTREE_NONLEAF_FILLFACTOR
	// dedupDistinct: a leading column with fewer distinct values than this share of
	// the rows has enough duplicates for deduplication (13+) to matter.
	dedupDistinct = 0.5
)

// idxRow is one index as f005.sql returns it.
type idxRow struct {
	OID                  uint32
	Schema, Table, Index string
	Pages                int64
	Tuples, TableTuples  float64
	ToastPages           int64
	Fillfactor           int
	DedupOff, Partial    bool
	Unique               bool
	NAtts, NKeyAtts      int
	BlockSize            int
	RLSHides             bool
	ModsSinceAnalyze     *int64
	LeadDistinct         *float64 // pg_stats.n_distinct of the first column
	Cols                 []column // index column order
	Version              int      // server_version_num
	Total                int      // indexes that pass the size floor, listed or not
}

// column is one index column: the stored type (the opclass's storage type) and the
// pg_stats figures of the table column or expression it indexes.
type column struct {
	Len       int // attlen: > 0 fixed width, -1 varlena, -2 cstring
	Align     int // 1, 2, 4 or 8
	Visible   bool
	HasStats  bool
	Width     float64
	NullFrac  float64
	Expr      bool // an expression; its statistics belong to the index
	Toastable bool // a table column whose values may be stored out of line
	CString   bool // stored as cstring (type name with name_ops)
	// CStringWidth: for a cstring, the average length of the values in its statistics;
	// -1 when they hold none.
	CStringWidth float64
}

func (c column) expected() (width, nullFrac float64) {
	switch {
	case c.HasStats && c.CString && c.CStringWidth >= 0:
		// avg_width of a name is the 64 bytes of the heap; the index keeps the string
		// and its terminating zero byte.
		return c.CStringWidth + 1, c.NullFrac
	case c.HasStats && c.Len < 0:
		// ANALYZE stores the average width truncated to an integer (stawidth is int4):
		// half a byte is lost on average, which on short keys decides where the entry
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

// dataWidth lays the values out as index_form_tuple does (like a heap row: NULLs take
// no space, values are aligned except short varlenas).
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

func estimate(r idxRow, cfg Config) Index {
	x := Index{Schema: checks.Name(r.Schema), Table: checks.Name(r.Table), Index: checks.Name(r.Index),
		Pages: r.Pages, SizeBytes: r.Pages * int64(r.BlockSize), Rows: checks.Estimate(r.Tuples), Fillfactor: r.Fillfactor,
		Unique: r.Unique, Partial: r.Partial, Columns: len(r.Cols), ModsSinceAnalyze: estimatePtr(r.ModsSinceAnalyze)}
	withStats, missingVar, missingFixed, hiddenExpr := 0, 0, 0, 0
	toastable, cstring := false, false
	for _, c := range r.Cols {
		switch {
		case !c.Visible:
			x.ColumnsHidden++
			if c.Expr {
				hiddenExpr++
			}
		case c.HasStats:
			withStats++
		case c.Len > 0:
			missingFixed++
		default:
			missingVar++
		}
		toastable = toastable || c.Toastable
		cstring = cstring || (c.CString && c.CStringWidth < 0)
	}
	x.ColumnsNoStats = missingVar + missingFixed
	var unknown, low []checks.Label
	switch {
	case r.RLSHides:
		unknown = append(unknown, "row-level security is active for the role, so pg_stats hides the table's statistics")
		x.Cause = causeHidden
	case x.ColumnsHidden > 0:
		msg := fmt.Sprintf("the role cannot read the statistics of %d of %d index columns (pg_stats shows a column only to roles that may SELECT it", x.ColumnsHidden, x.Columns)
		if hiddenExpr > 0 {
			msg += "; an expression's statistics only to the table's owner"
		}
		unknown = append(unknown, checks.Label(msg+")"))
		x.Cause = causeHidden
	case withStats == 0 && len(r.Cols) > 0:
		unknown = append(unknown, "no statistics for the indexed columns: the table was never analyzed")
		x.Cause = causeMissing
	case missingVar > 0:
		unknown = append(unknown, checks.Label(fmt.Sprintf("%d variable-width column(s) have no statistics, so their width is unknown", missingVar)))
		x.Cause = causeMissing
	case missingFixed > 0:
		low = append(low, checks.Label(fmt.Sprintf("%d fixed-width column(s) have no statistics; assumed never NULL", missingFixed)))
	}
	if r.Tuples < 0 {
		unknown = append(unknown, "never vacuumed or analyzed (reltuples is -1)")
		x.Cause = causeMissing
	}
	if m := r.ModsSinceAnalyze; m != nil && r.TableTuples >= 0 && float64(*m) > cfg.StalePercent/100*math.Max(r.TableTuples, 1) {
		low = append(low, checks.Label(fmt.Sprintf("statistics are stale: more rows of the table changed since its last ANALYZE than %g%% of the rows it counted", cfg.StalePercent)))
	}
	if r.Partial {
		low = append(low, "partial index: the column statistics describe the whole table, not the rows the index covers")
	}
	if cstring {
		low = append(low, "a name column is stored as cstring and its statistics hold no values to measure its length: the index keeps only the string, not the 64 bytes the statistics give (the estimate errs towards less bloat)")
	}
	if toastable && r.ToastPages > 0 {
		low = append(low, "the table has out-of-line (TOAST) values and the index a column that may hold them: the statistics count an 18-byte pointer where the index stores the whole value (the estimate errs towards more bloat)")
	}
	if dedupLikely(r) {
		low = append(low, "many duplicate keys: deduplication (PostgreSQL 13+) may store them more compactly than the estimate assumes (the estimate errs towards less bloat)")
	}
	if r.Pages < cfg.MinPages {
		// Said before anything else: whatever the statistics, no percentage is given.
		unknown = append([]checks.Label{checks.Label(fmt.Sprintf("%d pages, under min_pages (%d): a page more or less is too large a share to judge", r.Pages, cfg.MinPages))}, unknown...)
	}
	x.Reasons = append(unknown, low...)
	switch {
	case r.Pages < cfg.MinPages:
		x.Confidence, x.Cause = TooSmall, ""
		return x
	case len(unknown) > 0:
		x.Confidence = Unknown
		return x
	case len(low) > 0:
		x.Confidence = Low
	default:
		x.Confidence = High
	}
	tuple, perLeaf, minPages := btreePages(r)
	bloat := max(0, r.Pages-minPages)
	bytes := bloat * int64(r.BlockSize)
	pct := 0.0
	if r.Pages > 0 {
		pct = 100 * float64(bloat) / float64(r.Pages)
	}
	x.TupleBytes, x.RowsPerLeaf, x.MinPages, x.BloatBytes, x.BloatPct = &tuple, &perLeaf, &minPages, &bytes, &pct
	return x
}

// dedupLikely: deduplication applies from 13 to non-unique indexes without INCLUDE
// columns unless turned off; whether it saves much depends on duplicates, judged by the
// leading column (the whole key has at most as many duplicates as its first column).
func dedupLikely(r idxRow) bool {
	if r.Version < 130000 || r.Unique || r.DedupOff || r.NAtts != r.NKeyAtts || r.LeadDistinct == nil {
		return false
	}
	ratio := -*r.LeadDistinct
	if *r.LeadDistinct > 0 {
		ratio = *r.LeadDistinct / math.Max(r.TableTuples, 1)
	}
	return ratio < dedupDistinct
}

// btreePages is the size of the index right after CREATE INDEX or REINDEX: leaf pages
// filled to the fillfactor as _bt_buildadd fills them (a page is closed once its free
// space drops below the fillfactor's reserve, and its last item moves to the next page,
// leaving a high key in its place), internal levels at 70%, and the metapage.
func btreePages(r idxRow) (tuple, perLeaf float64, pages int64) {
	bs := float64(r.BlockSize)
	hdr := float64(indexTupleHdr)
	for _, c := range r.Cols {
		if _, nf := c.expected(); nf > 0 {
			hdr = alignUp(indexTupleHdr+4, maxAlign)
		}
	}
	tuple = hdr + alignUp(dataWidth(r.Cols), maxAlign) + itemID
	ff := min(max(r.Fillfactor, 10), 100)
	perLeaf = max(math.Floor((bs-btreePageOverhead-float64(r.BlockSize*(100-ff)/100))/tuple), 1)
	fanout := max(math.Floor((bs-btreePageOverhead-float64(r.BlockSize*(100-nonLeafFillfactor)/100))/tuple), 2)
	level := int64(0)
	if r.Tuples > 0 {
		level = int64(math.Ceil(r.Tuples / perLeaf))
	}
	pages = 1 + level
	for level > 1 {
		level = int64(math.Ceil(float64(level) / fanout))
		pages += level
	}
	return tuple, perLeaf, pages
}

func estimatePtr(n *int64) *checks.Estimate {
	if n == nil {
		return nil
	}
	e := checks.Estimate(*n)
	return &e
}
