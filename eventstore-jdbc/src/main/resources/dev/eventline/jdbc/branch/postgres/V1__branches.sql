-- V1 (component "branches"): the branch registry, each branch's stream heads and its own events.
-- Compatibility: first version; it only adds tables, and never touches the event tables.
-- Placeholders: ${schema} is empty or "<schema>." and ${prefix} is the table prefix; both are validated identifiers.
CREATE TABLE IF NOT EXISTS ${schema}${prefix}branches (
    branch_id text NOT NULL,
    name text NOT NULL,
    parent_id text,
    fork_commit bigint NOT NULL,
    fork_position bigint NOT NULL,
    created_at timestamp(6) with time zone NOT NULL,
    last_number bigint NOT NULL,
    event_count bigint NOT NULL,
    CONSTRAINT ${prefix}branches_pk PRIMARY KEY (branch_id),
    CONSTRAINT ${prefix}branches_name_uk UNIQUE (name),
    CONSTRAINT ${prefix}branches_parent_fk FOREIGN KEY (parent_id) REFERENCES ${schema}${prefix}branches (branch_id)
);

CREATE INDEX IF NOT EXISTS ${prefix}branches_parent_idx ON ${schema}${prefix}branches (parent_id);

CREATE TABLE IF NOT EXISTS ${schema}${prefix}branch_streams (
    branch_id text NOT NULL,
    stream_id text NOT NULL,
    base_version bigint NOT NULL,
    stream_version bigint NOT NULL,
    last_checksum text NOT NULL,
    CONSTRAINT ${prefix}branch_streams_pk PRIMARY KEY (branch_id, stream_id)
);

CREATE TABLE IF NOT EXISTS ${schema}${prefix}branch_events (
    branch_id text NOT NULL,
    position_number bigint NOT NULL,
    stream_id text NOT NULL,
    stream_version bigint NOT NULL,
    event_id uuid NOT NULL,
    event_type text NOT NULL,
    schema_version integer NOT NULL,
    recorded_at timestamp(6) with time zone NOT NULL,
    payload bytea NOT NULL,
    metadata text,
    checksum text NOT NULL,
    CONSTRAINT ${prefix}branch_events_pk PRIMARY KEY (branch_id, position_number),
    CONSTRAINT ${prefix}branch_events_stream_uk UNIQUE (branch_id, stream_id, stream_version),
    CONSTRAINT ${prefix}branch_events_id_uk UNIQUE (branch_id, event_id)
);
