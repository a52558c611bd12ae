-- V2: fewer and cheaper indexes on the event log, so that an append writes less (index entries are most of the
-- WAL an event costs after its row).
-- 1. The log order (tx_id, global_position) becomes the primary key, replacing both the V1 primary key on
--    global_position and the V1 index events_log_idx: one B-tree instead of two. readAll, the horizon and the
--    head position read in that order. global_position stays unique by construction (it comes from
--    events_position_seq and nothing else writes it).
-- 2. recorded_at and global_position alone get BRIN indexes instead of a B-tree: rows are written in roughly
--    ascending time and position, so a summary per block range finds a time window (time-bounded reads) or a
--    bare position (a branch's fork point) by reading only the ranges that can hold it, for a few bytes of index
--    per range instead of an entry per event. autosummarize keeps the summaries current as ranges fill; rows in
--    ranges not yet summarized are always checked, so a read never misses one.
-- Compatibility: upgrades a V1 schema in place, in the migration's transaction (PostgreSQL DDL is transactional).
-- It rebuilds the primary key: the events table is locked while that runs (seconds per million events).
-- Placeholders: ${schema} is empty or "<schema>." and ${prefix} is the table prefix; both are validated identifiers.
ALTER TABLE ${schema}${prefix}events DROP CONSTRAINT ${prefix}events_pk;

DROP INDEX IF EXISTS ${schema}${prefix}events_log_idx;

ALTER TABLE ${schema}${prefix}events ADD CONSTRAINT ${prefix}events_pk PRIMARY KEY (tx_id, global_position);

DROP INDEX IF EXISTS ${schema}${prefix}events_recorded_at_idx;

CREATE INDEX IF NOT EXISTS ${prefix}events_recorded_at_brin ON ${schema}${prefix}events
    USING brin (recorded_at) WITH (autosummarize = on);

CREATE INDEX IF NOT EXISTS ${prefix}events_position_brin ON ${schema}${prefix}events
    USING brin (global_position) WITH (autosummarize = on);
