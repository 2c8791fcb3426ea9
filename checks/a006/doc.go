package a006

const doc = `Reads ` + "`pg_settings`" + ` on every node (name, value, unit, type, source, context and
whether a change waits for a restart; no superuser needed) and compares the nodes that
were reached, with the primary as the reference (the first node when no primary was
reached). Each value is normalized before it is compared: memory in bytes (` + "`16384`" + ` of
unit 8kB equals 128MB), time in seconds (` + "`60s`" + ` equals ` + "`1min`" + `), booleans as on/off, enums in
any case, lists without the spaces between items; -1 and other negative numbers are
compared as they are. The report shows the settings that differ in one table with a
column per node, each value with its source.

**Not compared**, because they differ on healthy nodes:
- the standby's role: ` + "`transaction_read_only`" + `, ` + "`in_hot_standby`" + `, ` + "`default_transaction_read_only`" + `,
  ` + "`transaction_isolation`" + `, ` + "`transaction_deferrable`" + `, ` + "`primary_conninfo`" + `, ` + "`primary_slot_name`" + `,
  ` + "`restore_command`" + `, ` + "`archive_cleanup_command`" + `, ` + "`recovery_end_command`" + `, ` + "`promote_trigger_file`" + `,
  ` + "`recovery_min_apply_delay`" + ` (a delayed standby is C002's) and ` + "`recovery_target*`" + `;
- the node's identity: ` + "`data_directory`" + `, ` + "`config_file`" + `, ` + "`hba_file`" + `, ` + "`ident_file`" + `,
  ` + "`external_pid_file`" + `, ` + "`port`" + `, ` + "`listen_addresses`" + `, ` + "`unix_socket_directories`" + `, ` + "`cluster_name`" + `;
- the version (` + "`server_version`" + `, ` + "`server_version_num`" + `: A002 compares versions) and the shared
  memory sizes computed from other settings and the host's huge page size
  (` + "`shared_memory_size`" + `, ` + "`shared_memory_size_in_huge_pages`" + `);
- settings pgcheckup's own session sets (source ` + "`client`" + `: ` + "`statement_timeout`" + `, ` + "`lock_timeout`" + `,
  ` + "`search_path`" + `, ...): the session's value hides the server's.

When the nodes run different majors, a server setting that only some of them have is not
compared (A002 reports the versions); a custom setting (with a dot) missing on a node is.
Standby-only settings such as ` + "`hot_standby`" + `, ` + "`hot_standby_feedback`" + ` and ` + "`max_standby_*_delay`" + ` are
compared: after a failover the old primary becomes a standby and runs with its own values.

**Findings** (one per setting; the finding names the nodes whose value differs from the
reference):
- **P1** ` + "`A006/setting-differs`" + `: a standby has a lower value than the primary for a setting a
  hot standby needs at least as high: ` + "`max_connections`" + `, ` + "`max_worker_processes`" + `, ` + "`max_wal_senders`" + `,
  ` + "`max_prepared_transactions`" + `, ` + "`max_locks_per_transaction`" + `. Such a standby stops (12, 13) or
  pauses replay (14+) once the primary's value reaches it in the WAL. The finding names
  those standbys.
- **P2** ` + "`A006/setting-differs`" + `: a setting that changes how a promoted standby behaves: every
  memory setting, ` + "`wal_*`" + `, ` + "`min_wal_size`" + `, ` + "`checkpoint_*`" + `, ` + "`archive_*`" + `, ` + "`autovacuum*`" + `,
  every ` + "`max_*`" + ` (also a primary lower than a standby in the P1 list), ` + "`shared_preload_libraries`" + `,
  ` + "`fsync`" + `, ` + "`full_page_writes`" + `, ` + "`synchronous_commit`" + `, ` + "`superuser_reserved_connections`" + `,
  ` + "`reserved_connections`" + `, ` + "`huge_pages`" + `, ` + "`hot_standby_feedback`" + `, ` + "`track_commit_timestamp`" + `,
  ` + "`data_sync_retry`" + `.
- **P3** ` + "`A006/setting-differs`" + `: any other setting.
- ` + "`A006/pending-restart`" + ` (P3, P2 for the settings above): the value is the same now, but a
  change waits for a restart on some nodes and not on others, so they will differ after it.
- **info** ` + "`A006/not-compared`" + `: nodes whose settings could not be read (unreachable, failed);
  a difference there is unknown.

Values of custom settings (with a dot, which may be secrets) are not printed in findings;
secret-bearing ones (` + "`archive_command`" + `) are redacted.`
