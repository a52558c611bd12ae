package dev.eventline.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventline.core.snapshot.Snapshot;
import dev.eventline.core.snapshot.SnapshotStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SnapshotStore} must have. Extend it and return a fresh, empty store per call:
 * <pre>{@code
 * final class JdbcSnapshotStoreContractTest extends SnapshotStoreContract {
 *     @Override protected SnapshotStore newSnapshotStore() { return H2Fixture.fresh().snapshotStore(); }
 * }
 * }</pre>
 * Instants used here are whole microseconds, the precision every store keeps.
 */
public abstract class SnapshotStoreContract {

    private static final Instant TAKEN_AT = Instant.parse("2026-11-26T07:00:00.123456Z");

    /** @return a new, empty store; called once per test */
    protected abstract SnapshotStore newSnapshotStore();

    protected static Snapshot snapshot(String streamId, long version, String json) {
        return new Snapshot(streamId, version, 1, json.getBytes(StandardCharsets.UTF_8), TAKEN_AT);
    }

    @Test
    void an_empty_store_has_no_snapshot() {
        var store = newSnapshotStore();
        assertThat(store.latest("account-1")).isEmpty();
        assertThat(store.latestAtOrBefore("account-1", 100)).isEmpty();
    }

    @Test
    void returns_a_saved_snapshot_with_every_field_intact() {
        // given
        var store = newSnapshotStore();
        var saved = new Snapshot("account-1", 42, 7, "{\"balance\":12.50,\"owner\":\"Ada \u00e9\u20ac\"}"
            .getBytes(StandardCharsets.UTF_8), TAKEN_AT);
        // when
        store.save(saved);
        // then
        assertThat(store.latest("account-1")).contains(saved);
    }

    @Test
    void latest_is_the_highest_version_whatever_the_save_order() {
        // given
        var store = newSnapshotStore();
        store.save(snapshot("account-1", 200, "{\"v\":200}"));
        store.save(snapshot("account-1", 100, "{\"v\":100}"));
        store.save(snapshot("account-1", 300, "{\"v\":300}"));
        // then
        assertThat(store.latest("account-1")).map(Snapshot::version).contains(300L);
    }

    @Test
    void latest_at_or_before_picks_the_newest_snapshot_not_after_the_version() {
        // given
        var store = newSnapshotStore();
        store.save(snapshot("account-1", 100, "{\"v\":100}"));
        store.save(snapshot("account-1", 200, "{\"v\":200}"));
        // then
        assertThat(store.latestAtOrBefore("account-1", 99)).isEmpty();
        assertThat(store.latestAtOrBefore("account-1", 100)).map(Snapshot::version).contains(100L);
        assertThat(store.latestAtOrBefore("account-1", 199)).map(Snapshot::version).contains(100L);
        assertThat(store.latestAtOrBefore("account-1", 200)).map(Snapshot::version).contains(200L);
        assertThat(store.latestAtOrBefore("account-1", Long.MAX_VALUE)).map(Snapshot::version).contains(200L);
    }

    @Test
    void saving_the_same_version_again_replaces_it() {
        // given
        var store = newSnapshotStore();
        store.save(snapshot("account-1", 100, "{\"v\":\"old\"}"));
        // when
        store.save(snapshot("account-1", 100, "{\"v\":\"new\"}"));
        // then
        assertThat(store.latest("account-1")).map(Snapshot::stateAsString).contains("{\"v\":\"new\"}");
        assertThat(store.latestAtOrBefore("account-1", 100)).map(Snapshot::stateAsString).contains("{\"v\":\"new\"}");
    }

    @Test
    void streams_are_isolated_from_each_other() {
        // given
        var store = newSnapshotStore();
        store.save(snapshot("account-1", 100, "{}"));
        store.save(snapshot("account-10", 300, "{}"));
        store.save(snapshot("account-%", 500, "{}"));
        // then
        assertThat(store.latest("account-1")).map(Snapshot::version).contains(100L);
        assertThat(store.latest("account-10")).map(Snapshot::version).contains(300L);
        assertThat(store.latest("account-")).isEmpty();
        assertThat(store.latest("account-_")).isEmpty();
    }

    @Test
    void delete_removes_every_snapshot_of_one_stream_only() {
        // given
        var store = newSnapshotStore();
        store.save(snapshot("account-1", 100, "{}"));
        store.save(snapshot("account-1", 200, "{}"));
        store.save(snapshot("account-2", 100, "{}"));
        // when
        store.delete("account-1");
        store.delete("never-existed");
        // then
        assertThat(store.latest("account-1")).isEmpty();
        assertThat(store.latestAtOrBefore("account-1", 150)).isEmpty();
        assertThat(store.latest("account-2")).isPresent();
    }

    @Test
    void concurrent_saves_to_one_stream_are_all_kept() throws Exception {
        // given
        var store = newSnapshotStore();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            // when
            List<Future<?>> saves = new ArrayList<>();
            for (int i = 1; i <= 64; i++) {
                long version = i;
                saves.add(pool.submit(() -> store.save(snapshot("account-1", version, "{\"v\":" + version + "}"))));
            }
            for (Future<?> save : saves) {
                save.get();
            }
        } finally {
            pool.shutdownNow();
        }
        // then
        assertThat(store.latest("account-1")).map(Snapshot::version).contains(64L);
        for (long version = 1; version <= 64; version++) {
            assertThat(store.latestAtOrBefore("account-1", version)).map(Snapshot::stateAsString)
                .contains("{\"v\":" + version + "}");
        }
    }
}
