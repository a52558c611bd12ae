package dev.eventline.examples.bank.app;

/**
 * An aggregate's state as rebuilt from its events.
 *
 * @param state the state
 * @param version the version of the last event applied
 * @param eventsReplayed how many events were applied to get there (after the snapshot, when one was used)
 * @param snapshotVersion the version of the snapshot the replay started from, or null
 */
public record LoadedState(Object state, long version, long eventsReplayed, Long snapshotVersion) {
}
