package dev.eventline.core;

/**
 * What an append expects of the stream it writes to: the optimistic-concurrency check.
 * <p>
 * Versions are 1-based, so a stream at version 0 does not exist yet. The semantics follow KurrentDB:
 * <ul>
 *   <li>{@link Any}: no check.</li>
 *   <li>{@link NoStream}: the stream must not exist ({@code exactly(0)} means the same).</li>
 *   <li>{@link StreamExists}: the stream must have at least one event.</li>
 *   <li>{@link Exactly}: the stream must be at exactly this version.</li>
 * </ul>
 * A failed check raises {@link ConcurrencyConflictException} and writes nothing.
 * <pre>{@code store.append("account-42", ExpectedVersion.exactly(4), events); }</pre>
 *
 * @since 0.1
 */
public sealed interface ExpectedVersion {

    /** No check: append at the end of the stream, creating it if needed. */
    record Any() implements ExpectedVersion {
        @Override
        public String toString() {
            return "any";
        }
    }

    /** The stream must not exist yet. */
    record NoStream() implements ExpectedVersion {
        @Override
        public String toString() {
            return "no stream";
        }
    }

    /** The stream must already exist (have at least one event). */
    record StreamExists() implements ExpectedVersion {
        @Override
        public String toString() {
            return "stream exists";
        }
    }

    /**
     * The stream must be at exactly this version; 0 means the stream must not exist.
     *
     * @param version the version the stream must be at, {@code >= 0}
     */
    record Exactly(long version) implements ExpectedVersion {
        /** Validates the version. */
        public Exactly {
            if (version < 0) {
                throw new IllegalArgumentException("version must be >= 0 (version: " + version + ")");
            }
        }

        @Override
        public String toString() {
            return Long.toString(version);
        }
    }

    /** @return the expectation that performs no check */
    static ExpectedVersion any() {
        return Constants.ANY;
    }

    /** @return the expectation that the stream does not exist */
    static ExpectedVersion noStream() {
        return Constants.NO_STREAM;
    }

    /** @return the expectation that the stream exists */
    static ExpectedVersion streamExists() {
        return Constants.STREAM_EXISTS;
    }

    /**
     * @param version the version the stream must be at, {@code >= 0}
     * @return the expectation that the stream is at exactly {@code version}
     */
    static ExpectedVersion exactly(long version) {
        return new Exactly(version);
    }

    /**
     * Tells whether a stream currently at {@code currentVersion} (0 when absent) satisfies this expectation.
     *
     * @param currentVersion the stream's current version, 0 when it does not exist
     * @return true when an append may proceed
     */
    default boolean isSatisfiedBy(long currentVersion) {
        if (this instanceof Any) {
            return true;
        } else if (this instanceof NoStream) {
            return currentVersion == 0;
        } else if (this instanceof StreamExists) {
            return currentVersion > 0;
        } else if (this instanceof Exactly exactly) {
            return exactly.version() == currentVersion;
        }
        throw new IllegalStateException("unexpected ExpectedVersion: " + getClass().getName());
    }
}

/** Shared instances of the argument-less expectations. */
final class Constants {
    static final ExpectedVersion ANY = new ExpectedVersion.Any();
    static final ExpectedVersion NO_STREAM = new ExpectedVersion.NoStream();
    static final ExpectedVersion STREAM_EXISTS = new ExpectedVersion.StreamExists();

    private Constants() {
    }
}
