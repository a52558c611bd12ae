/**
 * <b>Experimental.</b> Durable branch storage: {@link dev.eventline.jdbc.branch.JdbcBranchStorage} keeps the
 * branch registry and each branch's own events in tables beside a {@link dev.eventline.jdbc.JdbcEventStore}'s,
 * on PostgreSQL or H2. A branch reads its parent's events from the shared events table (nothing is copied); its
 * own events live in {@code <prefix>branch_events}, so the main store's tables and queries never see them. See
 * {@link dev.eventline.core.branch.Branches} for the API and {@code docs/adr/0003-branches.md} for the design.
 */
package dev.eventline.jdbc.branch;
