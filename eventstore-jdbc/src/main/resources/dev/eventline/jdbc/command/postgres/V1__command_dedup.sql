-- V1: the command dedup table behind JdbcIdempotencyStore (one row per tenant and command id).
-- Compatibility: first version; nothing to be compatible with.
-- Placeholders: ${schema} is empty or "<schema>." and ${prefix} is the table prefix; both are validated identifiers.
CREATE TABLE IF NOT EXISTS ${schema}${prefix}command_dedup (
    tenant text NOT NULL,
    command_id text NOT NULL,
    fingerprint text NOT NULL,
    claimed_at timestamp with time zone NOT NULL,
    completed_at timestamp with time zone,
    result_json text,
    CONSTRAINT ${prefix}command_dedup_pk PRIMARY KEY (tenant, command_id)
);

CREATE INDEX IF NOT EXISTS ${prefix}command_dedup_completed_at_idx ON ${schema}${prefix}command_dedup (completed_at);
