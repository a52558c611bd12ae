/**
 * Branches (alternative "what-if" timelines) in the bank example: the {@code /api/v1/branches} endpoints and the
 * per-branch services that commands, event reads and appends, replay, temporal queries and integrity checks use
 * when a request names a branch ({@code "branch"} in the body or the {@code X-Branch} header). Branches are kept
 * in the bank's database beside the events ({@code JdbcBranchStorage}), so they survive a restart; the main
 * timeline is never written by a branch. Queries on read models are main-only for now.
 */
package dev.eventline.examples.bank.branch;
