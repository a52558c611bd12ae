/**
 * <b>Experimental.</b> Branches of the event log ("what-if" timelines) and time travel over it.
 * <p>
 * {@link dev.eventline.core.branch.Branches} forks a named {@link dev.eventline.core.branch.BranchStore} from the
 * main store (or from another branch) at a position, an instant or the head: the branch reads the parent's events
 * up to the fork plus its own, and its appends never reach the parent. Nothing is copied at fork time; the
 * branch's own events live in a {@link dev.eventline.core.branch.BranchStorage} (in memory, or JDBC tables from
 * {@code eventstore-jdbc}). {@link dev.eventline.core.branch.TimeTravel} gives read-only views of a log as of an
 * instant, and {@link dev.eventline.core.branch.ReadModelDiff} compares two read models. The API may change until
 * it is promoted; see {@code docs/adr/0003-branches.md}.
 */
package dev.eventline.core.branch;
