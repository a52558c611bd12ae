-- V1: the event log, stream heads, the log head row that serializes appends, and their indexes.
-- Compatibility: first version; nothing to be compatible with.
-- H2 commits DDL implicitly, so every statement here is idempotent (IF NOT EXISTS, INSERT ... WHERE NOT EXISTS).
-- Placeholders: ${schema} is empty or "<schema>." and ${prefix} is the table prefix; both are validated identifiers.
CREATE TABLE IF NOT EXISTS ${schema}${prefix}events (
    global_position BIGINT NOT NULL,
    tx_id BIGINT NOT NULL,
    stream_id CHARACTER VARYING NOT NULL,
    stream_version BIGINT NOT NULL,
    event_id UUID NOT NULL,
    event_type CHARACTER VARYING NOT NULL,
    schema_version INTEGER NOT NULL,
    recorded_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    payload BINARY VARYING NOT NULL,
    metadata CHARACTER VARYING,
    checksum CHARACTER VARYING NOT NULL,
    CONSTRAINT ${prefix}events_pk PRIMARY KEY (global_position),
    CONSTRAINT ${prefix}events_stream_version_uk UNIQUE (stream_id, stream_version),
    CONSTRAINT ${prefix}events_event_id_uk UNIQUE (event_id)
);

CREATE INDEX IF NOT EXISTS ${prefix}events_recorded_at_idx ON ${schema}${prefix}events (recorded_at);

CREATE TABLE IF NOT EXISTS ${schema}${prefix}streams (
    stream_id CHARACTER VARYING NOT NULL,
    stream_version BIGINT NOT NULL,
    last_checksum CHARACTER VARYING NOT NULL,
    CONSTRAINT ${prefix}streams_pk PRIMARY KEY (stream_id)
);

CREATE TABLE IF NOT EXISTS ${schema}${prefix}log_head (
    id INTEGER NOT NULL,
    last_position BIGINT NOT NULL,
    CONSTRAINT ${prefix}log_head_pk PRIMARY KEY (id)
);

INSERT INTO ${schema}${prefix}log_head (id, last_position)
SELECT 1, COALESCE((SELECT MAX(global_position) FROM ${schema}${prefix}events), 0)
WHERE NOT EXISTS (SELECT 1 FROM ${schema}${prefix}log_head WHERE id = 1);
