-- V3: an offset added to every transaction id the log stores and compares, so that the log's order survives a
-- dump and restore into another cluster.
-- Why: events carry the id of the transaction that wrote them, and readers follow the log in (tx_id,
-- global_position) order below the oldest running transaction. Transaction ids belong to a cluster: restored
-- into a fresh one, new appends would get ids far below the stored ones, sort before them, and be skipped by
-- every subscriber whose cursor is past the old events. The store keeps tx_id = transaction id + tx_offset, and
-- the horizon = oldest running transaction id + tx_offset. The offset is 0 until a store finds, before its first
-- append or read of the log, that the largest stored tx_id is at or above the ids the cluster will hand out next;
-- it then raises the offset once (see TransactionIdAlignment), under this row's lock.
-- Compatibility: upgrades V2 in place; existing rows keep their tx_id (offset 0 leaves every id as it was).
-- Placeholders: ${schema} is empty or "<schema>." and ${prefix} is the table prefix; both are validated identifiers.
CREATE TABLE IF NOT EXISTS ${schema}${prefix}log_epoch (
    id smallint NOT NULL,
    tx_offset bigint NOT NULL,
    aligned_at timestamp(6) with time zone,
    CONSTRAINT ${prefix}log_epoch_pk PRIMARY KEY (id),
    CONSTRAINT ${prefix}log_epoch_one_row CHECK (id = 1),
    CONSTRAINT ${prefix}log_epoch_offset CHECK (tx_offset >= 0)
);

INSERT INTO ${schema}${prefix}log_epoch (id, tx_offset) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
