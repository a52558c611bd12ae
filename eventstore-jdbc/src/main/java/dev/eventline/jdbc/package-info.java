/**
 * Eventline's storage in relational databases: {@link dev.eventline.jdbc.JdbcEventStore} for PostgreSQL and H2,
 * the {@link dev.eventline.jdbc.Dialect}s that hold their SQL, and the {@link dev.eventline.jdbc.SchemaMigrator}
 * that creates and upgrades tables from versioned scripts (reused by the projection and saga modules). The global
 * log is exact under concurrent writers: see {@link dev.eventline.jdbc.PostgresDialect} and
 * {@link dev.eventline.jdbc.H2Dialect} for why.
 */
package dev.eventline.jdbc;
