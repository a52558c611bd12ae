package dev.eventline.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SnapshotStrategyTest {

    @Test
    void every_n_events_fires_when_an_append_lands_on_or_crosses_a_multiple_of_n() {
        var every10 = SnapshotStrategy.everyEvents(10);
        assertThat(every10.shouldSnapshot(0, 9)).isFalse();
        assertThat(every10.shouldSnapshot(9, 10)).isTrue();
        assertThat(every10.shouldSnapshot(10, 11)).isFalse();
        assertThat(every10.shouldSnapshot(18, 23)).isTrue();
        assertThat(every10.shouldSnapshot(0, 35)).isTrue();
    }

    @Test
    void the_default_is_every_100_events() {
        var strategy = SnapshotStrategy.defaultStrategy();
        assertThat(strategy.shouldSnapshot(98, 99)).isFalse();
        assertThat(strategy.shouldSnapshot(99, 100)).isTrue();
        assertThat(strategy.shouldSnapshot(100, 199)).isFalse();
        assertThat(strategy.shouldSnapshot(199, 200)).isTrue();
    }

    @Test
    void never_never_fires() {
        assertThat(SnapshotStrategy.never().shouldSnapshot(0, 1_000_000)).isFalse();
    }

    @Test
    void an_interval_below_one_is_refused() {
        assertThatThrownBy(() -> SnapshotStrategy.everyEvents(0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n must be >= 1");
    }

    @Test
    void snapshot_refuses_versions_and_revisions_below_one() {
        assertThatThrownBy(() -> new Snapshot("s", 0, 1, new byte[0], java.time.Instant.EPOCH))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version");
        assertThatThrownBy(() -> new Snapshot("s", 1, 0, new byte[0], java.time.Instant.EPOCH))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stateRevision");
    }
}
