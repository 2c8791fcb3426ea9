package d004

const doc = `Checks that ` + "`pg_stat_statements`" + ` can be relied on, and whether ` + "`pg_stat_kcache`" + ` is there.
Reads ` + "`pg_available_extensions`" + ` and ` + "`pg_extension`" + ` (available on the server, installed in this
database, versions), ` + "`pg_settings`" + ` (` + "`shared_preload_libraries`, `pg_stat_statements.max`, `.track`, `.track_utility`, `.track_planning`, `.save`, `track_io_timing`, `compute_query_id`" + ` (14+),
` + "`pg_stat_kcache.*`" + `), and on 14+ ` + "`dealloc`" + ` and ` + "`stats_reset`" + ` from ` + "`pg_stat_statements_info`" + `.
That view is read only when the library is loaded (its settings exist; the view errors
otherwise), the extension is installed in this database at version 1.9 or newer (it is read
from the extension's schema by its qualified name); otherwise the data says why deallocations are unknown.
A library counts as loaded when its own settings exist in ` + "`pg_settings`" + `; reading
` + "`shared_preload_libraries`" + ` itself needs pg_read_all_settings (part of pg_monitor).

- **P2** ` + "`pg_stat_statements`" + ` not loaded: no per-query statistics at all.
- **P2** loaded but ` + "`pg_stat_statements.track = none`" + `, or ` + "`compute_query_id = off`" + `: nothing is recorded.
- **P2** deallocations at ` + "`dealloc_per_day_p2`" + ` (default 24, one eviction round an hour) or
  more per day since the reset; **P3** any deallocation. Each one evicts the least-used 5%
  of the entries: ` + "`pg_stat_statements.max`" + ` (default 5000) is too small for the number of
  distinct statements, and the statistics undercount. Days count from ` + "`stats_reset`" + `, at least one hour.
- **P3** loaded but the extension not installed in this database (its view cannot be read
  here); ` + "`track_io_timing`" + ` off (I/O times stay zero); ` + "`pg_stat_kcache`" + ` installed but not loaded.
- **info** extension older than the server ships; ` + "`track_planning`" + ` on (contention on hot
  identical statements); ` + "`pg_stat_kcache`" + ` absent (optional: CPU and physical I/O per query).`
