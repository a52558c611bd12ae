package dev.eventline.core.command;

/**
 * Remembers which command ids were handled, with what body (a fingerprint) and with what result: the SPI behind
 * {@link IdempotencyMiddleware}.
 * <p>
 * The lifecycle of a key is claim, then complete (success) or release (failure, so the client may retry).
 * {@link #claim} must be atomic across every process sharing the store: exactly one caller gets
 * {@link Claim.Acquired}. Eventline ships {@link InMemoryIdempotencyStore} (bounded, one JVM) and, in
 * eventstore-jdbc, a durable table.
 * <p>
 * Thread-safety: implementations must be safe for concurrent use.
 *
 * @since 0.1
 */
public interface IdempotencyStore {

    /**
     * Claims a command id, or reports who has it.
     *
     * @param key the tenant and command id
     * @param fingerprint the digest of the command's type and body
     * @return {@link Claim.Acquired} when the caller must now run the command; {@link Claim.Completed} with the
     *     first result when it already ran; {@link Claim.InProgress} while another caller runs it
     */
    Claim claim(IdempotencyKey key, String fingerprint);

    /**
     * Records the result of a claimed command.
     *
     * @param key the claimed key
     * @param fingerprint the fingerprint it was claimed with
     * @param result what the command wrote
     */
    void complete(IdempotencyKey key, String fingerprint, CommandResult result);

    /**
     * Forgets a claim whose command failed, so it can be sent again with the same id.
     *
     * @param key the claimed key
     */
    void release(IdempotencyKey key);

    /**
     * What {@link #claim} found.
     *
     * @since 0.1
     */
    sealed interface Claim {

        /** The caller holds the claim and must run the command, then complete or release it. */
        record Acquired() implements Claim {
        }

        /**
         * The command already ran.
         *
         * @param fingerprint the fingerprint it ran with
         * @param result its result
         */
        record Completed(String fingerprint, CommandResult result) implements Claim {
        }

        /**
         * Another caller (possibly another process) holds the claim and has not finished.
         *
         * @param fingerprint the fingerprint it was claimed with
         */
        record InProgress(String fingerprint) implements Claim {
        }
    }
}
