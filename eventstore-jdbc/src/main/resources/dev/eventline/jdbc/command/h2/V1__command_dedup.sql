-- V1: the command dedup table behind JdbcIdempotencyStore (one row per tenant and command id).
-- Compatibility: first version; nothing to be compatible with.
-- H2 commits DDL implicitly, so every statement here is idempotent (IF NOT EXISTS).
-- Placeholders: ${schema} is empty or "<schema>." and ${prefix} is the table prefix; both are validated identifiers.
CREATE TABLE IF NOT EXISTS ${schema}${prefix}command_dedup (
    tenant CHARACTER VARYING NOT NULL,
    command_id CHARACTER VARYING NOT NULL,
    fingerprint CHARACTER VARYING NOT NULL,
    claimed_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    completed_at TIMESTAMP(6) WITH TIME ZONE,
    result_json CHARACTER LARGE OBJECT,
    CONSTRAINT ${prefix}command_dedup_pk PRIMARY KEY (tenant, command_id)
);

CREATE INDEX IF NOT EXISTS ${prefix}command_dedup_completed_at_idx ON ${schema}${prefix}command_dedup (completed_at);
