package c002

const doc = `Reads ` + "`pg_stat_replication`" + ` (every standby or WAL receiver connected to this node, with
its replication slot), and on a standby the WAL receiver (` + "`pg_stat_wal_receiver`" + `), the last
received and replayed WAL positions, the commit time of the last replayed transaction and
the replay pause state; plus the replication settings. Client addresses and
` + "`primary_conninfo`" + ` (which can hold a password) are not read, nor the receiver's
` + "`conninfo`" + `; only whether
` + "`primary_conninfo`" + ` is set.

**How to read it.** On a primary, lag in bytes is the distance from the current WAL
position to what each standby has *sent*, *written*, *flushed* and *replayed*; where the
lag starts tells the cause (network, standby disk, replay). Lag times are measured by the
server from standby replies and are empty when the standby is idle and caught up. On a
standby, *replay lag* is received but not yet replayed WAL. The time since the last
replayed commit also grows when the primary writes nothing, so it is only taken as lag
while WAL is waiting to be replayed. A delayed standby (` + "`recovery_min_apply_delay`" + `) lags on
purpose; its lag is reported as information.

**Findings and thresholds** (section ` + "`[checks.C002]`" + `):
- **P2** ` + "`C002/standby-lag`" + ` (on the primary, per standby) and ` + "`C002/replay-lag`" + ` (on a
  standby): replay more than ` + "`lag_mb`" + ` (default 1024) MiB or ` + "`lag_seconds`" + ` (default 300)
  behind.
- **P2** ` + "`C002/standby-not-streaming`" + `: a standby in state startup, catchup or stopping.
- **P1** ` + "`C002/no-sync-standby`" + `: ` + "`synchronous_standby_names`" + ` is set but no connected standby is
  synchronous, so commits wait.
- **P2** ` + "`C002/replay-paused`" + `: replay is paused on this standby.
- **P2** ` + "`C002/wal-receiver-down`" + `: ` + "`primary_conninfo`" + ` is set but no WAL receiver streams.
- **P3** ` + "`C002/unbounded-standby-delay`" + `: ` + "`max_standby_streaming_delay`" + ` or ` + "`max_standby_archive_delay`" + `
  is -1.

**Topology.** With several nodes in the report, C002 links each standby to the node it
streams from (cascades included): its WAL receiver's ` + "`sender_host`" + ` and ` + "`sender_port`" + ` name
the upstream's address, matched to the address a node was given as; the upstream's WAL
sender for it is found by replication slot, else by an ` + "`application_name`" + ` equal to the
standby's node name or its ` + "`cluster_name`" + `, else as the only unmatched sender of that
upstream. Each link shows the lag as the upstream sees it and as the standby sees it
(WAL its upstream had at its last message, not yet replayed). Information findings
(never a verdict on what cannot be seen):
- ` + "`C002/standby-not-matched`" + `: the upstream lists no WAL sender that could be the standby, or
  several.
- ` + "`C002/upstream-not-checked`" + `: the upstream is a node of the report that was not checked.
- ` + "`C002/upstream-outside-report`" + `: the standby streams from a server that is not a node of the
  report.
- ` + "`C002/lag-views-differ`" + `: the two ends' lags differ by more than ` + "`lag_mb`" + ` (the nodes
  are read at different moments, so a single difference can be timing).

Replication slots and what they retain are C007's.`
