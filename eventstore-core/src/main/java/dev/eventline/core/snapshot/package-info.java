/**
 * Snapshots: an aggregate's state saved at a stream version so that loading replays only the events after it.
 * {@link dev.eventline.core.snapshot.SnapshotStrategy} decides when one is taken and
 * {@link dev.eventline.core.snapshot.SnapshotStore} keeps them; both are given to an
 * {@link dev.eventline.core.aggregate.AggregateRepository}. A snapshot is only ever an optimization: one of another
 * state revision, a corrupt one or a missing one means a full replay, never a wrong state.
 */
package dev.eventline.core.snapshot;
