package dev.eventline.core.query;

import java.time.Duration;

/** The pauses of {@link ReadModelProgress#awaitPosition}'s default polling. */
final class Polling {

    /** First pause: projections usually catch up within milliseconds of a write. */
    static final Duration FIRST_PAUSE = Duration.ofMillis(1);
    /** Longest pause: bounds the extra latency after the read model has caught up. */
    static final Duration MAX_PAUSE = Duration.ofMillis(50);

    private Polling() {
    }
}
