-- V1 (component "branches"): the branch registry, each branch's stream heads and its own events.
-- Compatibility: first version; it only adds tables, and never touches the event tables.
-- H2 commits DDL implicitly, so every statement here is idempotent (IF NOT EXISTS).
-- Placeholders: ${schema} is empty or "<schema>." and ${prefix} is the table prefix; both are validated identifiers.
CREATE TABLE IF NOT EXISTS ${schema}${prefix}branches (
    branch_id CHARACTER VARYING NOT NULL,
    name CHARACTER VARYING NOT NULL,
    parent_id CHARACTER VARYING,
    fork_commit BIGINT NOT NULL,
    fork_position BIGINT NOT NULL,
    created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    last_number BIGINT NOT NULL,
    event_count BIGINT NOT NULL,
    CONSTRAINT ${prefix}branches_pk PRIMARY KEY (branch_id),
    CONSTRAINT ${prefix}branches_name_uk UNIQUE (name),
    CONSTRAINT ${prefix}branches_parent_fk FOREIGN KEY (parent_id) REFERENCES ${schema}${prefix}branches (branch_id)
);

CREATE TABLE IF NOT EXISTS ${schema}${prefix}branch_streams (
    branch_id CHARACTER VARYING NOT NULL,
    stream_id CHARACTER VARYING NOT NULL,
    base_version BIGINT NOT NULL,
    stream_version BIGINT NOT NULL,
    last_checksum CHARACTER VARYING NOT NULL,
    CONSTRAINT ${prefix}branch_streams_pk PRIMARY KEY (branch_id, stream_id)
);

CREATE TABLE IF NOT EXISTS ${schema}${prefix}branch_events (
    branch_id CHARACTER VARYING NOT NULL,
    position_number BIGINT NOT NULL,
    stream_id CHARACTER VARYING NOT NULL,
    stream_version BIGINT NOT NULL,
    event_id UUID NOT NULL,
    event_type CHARACTER VARYING NOT NULL,
    schema_version INTEGER NOT NULL,
    recorded_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    payload BINARY VARYING NOT NULL,
    metadata CHARACTER VARYING,
    checksum CHARACTER VARYING NOT NULL,
    CONSTRAINT ${prefix}branch_events_pk PRIMARY KEY (branch_id, position_number),
    CONSTRAINT ${prefix}branch_events_stream_uk UNIQUE (branch_id, stream_id, stream_version),
    CONSTRAINT ${prefix}branch_events_id_uk UNIQUE (branch_id, event_id)
);
