-- V1: the event log, stream heads and their indexes.
-- Compatibility: first version; nothing to be compatible with.
-- Placeholders: ${schema} is empty or "<schema>." and ${prefix} is the table prefix; both are validated identifiers.
CREATE SEQUENCE IF NOT EXISTS ${schema}${prefix}events_position_seq AS bigint;

CREATE TABLE IF NOT EXISTS ${schema}${prefix}events (
    global_position bigint NOT NULL,
    tx_id bigint NOT NULL,
    stream_id text NOT NULL,
    stream_version bigint NOT NULL,
    event_id uuid NOT NULL,
    event_type text NOT NULL,
    schema_version integer NOT NULL,
    recorded_at timestamp(6) with time zone NOT NULL,
    payload bytea NOT NULL,
    metadata text,
    checksum text NOT NULL,
    CONSTRAINT ${prefix}events_pk PRIMARY KEY (global_position),
    CONSTRAINT ${prefix}events_stream_version_uk UNIQUE (stream_id, stream_version),
    CONSTRAINT ${prefix}events_event_id_uk UNIQUE (event_id)
);

CREATE INDEX IF NOT EXISTS ${prefix}events_log_idx ON ${schema}${prefix}events (tx_id, global_position);

CREATE INDEX IF NOT EXISTS ${prefix}events_recorded_at_idx ON ${schema}${prefix}events (recorded_at);

CREATE TABLE IF NOT EXISTS ${schema}${prefix}streams (
    stream_id text NOT NULL,
    stream_version bigint NOT NULL,
    last_checksum text NOT NULL,
    CONSTRAINT ${prefix}streams_pk PRIMARY KEY (stream_id)
);
