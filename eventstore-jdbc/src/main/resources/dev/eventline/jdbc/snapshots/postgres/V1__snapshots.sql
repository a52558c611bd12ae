-- V1: aggregate snapshots, several versions per stream. A cache: dropping the table costs replay time only.
-- Compatibility: first version; nothing to be compatible with.
CREATE TABLE IF NOT EXISTS ${schema}${prefix}snapshots (
    stream_id text NOT NULL,
    stream_version bigint NOT NULL,
    state_revision integer NOT NULL,
    state bytea NOT NULL,
    taken_at timestamp(6) with time zone NOT NULL,
    CONSTRAINT ${prefix}snapshots_pk PRIMARY KEY (stream_id, stream_version)
);
