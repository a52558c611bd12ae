package dev.eventline.projections;

import dev.eventline.core.LogPosition;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link CheckpointStore} in memory: for in-memory read models, tests and single-JVM use.
 * <p>
 * Not transactional: the work of {@link #inTransaction} is not rolled back when it throws, which is why the
 * runner advances an in-memory projection's checkpoint event by event. Leases work between runners that share
 * this object. Thread-safety: safe for concurrent use.
 */
final class InMemoryCheckpointStore implements CheckpointStore {

    private record Checkpoint(LogPosition position, int generation) {
    }

    private final InstantSource clock;
    private final Map<String, Checkpoint> checkpoints = new ConcurrentHashMap<>();
    private final Map<String, List<DeadLetter>> deadLetters = new ConcurrentHashMap<>();
    private final Map<String, Lease> leases = new ConcurrentHashMap<>();
    private final AtomicLong nextDeadLetterId = new AtomicLong(1);
    private final Transaction transaction = new MemoryTransaction();

    private InMemoryCheckpointStore(InstantSource clock) {
        this.clock = clock;
    }

    static InMemoryCheckpointStore create() {
        return new InMemoryCheckpointStore(InstantSource.system());
    }

    @Override
    public boolean isTransactional() {
        return false;
    }

    @Override
    public LogPosition load(String projection) {
        return checkpoints.computeIfAbsent(projection, name -> new Checkpoint(LogPosition.START, 0)).position();
    }

    @Override
    public int generation(String projection) {
        Checkpoint checkpoint = checkpoints.get(projection);
        return checkpoint == null ? 0 : checkpoint.generation();
    }

    @Override
    public <T> T inTransaction(Work<T> work) throws Exception {
        return work.run(transaction);
    }

    @Override
    public List<DeadLetter> deadLetters(String projection) {
        List<DeadLetter> letters = deadLetters.get(projection);
        if (letters == null) {
            return List.of();
        }
        synchronized (letters) {
            return List.copyOf(letters);
        }
    }

    @Override
    public long deadLetterCount(String projection) {
        List<DeadLetter> letters = deadLetters.get(projection);
        if (letters == null) {
            return 0;
        }
        synchronized (letters) {
            return letters.size();
        }
    }

    @Override
    public boolean tryAcquireLease(String projection, String owner, boolean rebuilding, Duration timeout) {
        Objects.requireNonNull(owner, "owner");
        Instant now = clock.instant();
        Lease result = leases.compute(projection, (name, current) ->
            current == null || current.owner().equals(owner) || current.expiresAt().isBefore(now)
                ? new Lease(name, owner, rebuilding, now.plus(timeout)) : current);
        return result.owner().equals(owner);
    }

    @Override
    public void releaseLease(String projection, String owner) {
        leases.computeIfPresent(projection, (name, current) -> current.owner().equals(owner) ? null : current);
    }

    @Override
    public Optional<Lease> lease(String projection) {
        return Optional.ofNullable(leases.get(projection));
    }

    private final class MemoryTransaction implements Transaction {
        @Override
        public Connection connection() {
            throw new IllegalStateException("this projection runs with an in-memory checkpoint store, which has no "
                + "connection. Use CheckpointStore.jdbc(dataSource) for JDBC read models.");
        }

        @Override
        public boolean compareAndSet(String projection, LogPosition expected, LogPosition next) {
            boolean[] moved = {false};
            checkpoints.compute(projection, (name, current) -> {
                Checkpoint seen = current == null ? new Checkpoint(LogPosition.START, 0) : current;
                if (!seen.position().equals(expected)) {
                    return seen;
                }
                moved[0] = true;
                return new Checkpoint(next, seen.generation());
            });
            return moved[0];
        }

        @Override
        public void overwrite(String projection, LogPosition position, int generation) {
            checkpoints.put(projection, new Checkpoint(position, generation));
        }

        @Override
        public void delete(String projection) {
            checkpoints.remove(projection);
        }

        @Override
        public void park(DeadLetter letter) {
            List<DeadLetter> letters = deadLetters.computeIfAbsent(letter.projection(), name -> new ArrayList<>());
            synchronized (letters) {
                letters.add(new DeadLetter(nextDeadLetterId.getAndIncrement(), letter.projection(), letter.eventId(),
                    letter.streamId(), letter.version(), letter.position(), letter.type(), letter.error(),
                    letter.parkedAt()));
            }
        }

        @Override
        public void removeDeadLetter(String projection, long id) {
            List<DeadLetter> letters = deadLetters.get(projection);
            if (letters != null) {
                synchronized (letters) {
                    letters.removeIf(letter -> letter.id() == id);
                }
            }
        }

        @Override
        public void deleteDeadLetters(String projection) {
            deadLetters.remove(projection);
        }

        @Override
        public void moveDeadLetters(String from, String to) {
            List<DeadLetter> moved = deadLetters.remove(from);
            if (moved == null) {
                return;
            }
            List<DeadLetter> target = deadLetters.computeIfAbsent(to, name -> new ArrayList<>());
            synchronized (target) {
                for (DeadLetter letter : moved) {
                    target.add(new DeadLetter(letter.id(), to, letter.eventId(), letter.streamId(), letter.version(),
                        letter.position(), letter.type(), letter.error(), letter.parkedAt()));
                }
            }
        }
    }

    @Override
    public String toString() {
        return "InMemoryCheckpointStore[projections=" + checkpoints.keySet() + "]";
    }
}
