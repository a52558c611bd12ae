-- V1: aggregate snapshots, several versions per stream. A cache: dropping the table costs replay time only.
-- Compatibility: first version; nothing to be compatible with. Idempotent, as H2 commits DDL implicitly.
CREATE TABLE IF NOT EXISTS ${schema}${prefix}snapshots (
    stream_id CHARACTER VARYING NOT NULL,
    stream_version BIGINT NOT NULL,
    state_revision INTEGER NOT NULL,
    state BINARY VARYING NOT NULL,
    taken_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    CONSTRAINT ${prefix}snapshots_pk PRIMARY KEY (stream_id, stream_version)
);
