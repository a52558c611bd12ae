package dev.eventline.core.aggregate;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Given/when/then tests for an {@link Aggregate}, without a store: given past events, when a command, then the
 * expected events, error or state.
 * <p>
 * {@code given} folds the events with {@code evolve}; {@code when} runs {@code decide} once and records its events
 * or its exception; each {@code then...} raises an {@link AssertionError} with both sides spelled out when the
 * outcome differs. Works with any test framework.
 * <p>
 * Thread-safety: not thread-safe; use one fixture per test.
 * <pre>{@code
 * AggregateFixture.of(ACCOUNT)
 *     .given(new AccountOpened("42", "Ada"), new MoneyDeposited("42", new BigDecimal("10")))
 *     .when(new Withdraw("42", new BigDecimal("50")))
 *     .thenError(InsufficientFunds.class);
 * }</pre>
 *
 * @param <C> the command type
 * @param <E> the event type
 * @param <S> the state type
 * @since 0.1
 */
public final class AggregateFixture<C, E, S> {

    private final Aggregate<C, E, S> aggregate;
    private final List<E> given = new ArrayList<>();

    private AggregateFixture(Aggregate<C, E, S> aggregate) {
        this.aggregate = Objects.requireNonNull(aggregate, "aggregate");
    }

    /**
     * @param aggregate the aggregate under test
     * @param <C> the command type
     * @param <E> the event type
     * @param <S> the state type
     * @return a fixture with no past events
     */
    public static <C, E, S> AggregateFixture<C, E, S> of(Aggregate<C, E, S> aggregate) {
        return new AggregateFixture<>(aggregate);
    }

    /**
     * @param events past events, in order, added to any given before
     * @return this fixture
     */
    @SafeVarargs
    public final AggregateFixture<C, E, S> given(E... events) {
        // copied element by element: handing the varargs array itself on is what heap pollution needs
        for (E event : events) {
            given.add(Objects.requireNonNull(event, "given event"));
        }
        return this;
    }

    /**
     * @param events past events, in order, added to any given before
     * @return this fixture
     */
    public AggregateFixture<C, E, S> given(List<? extends E> events) {
        for (E event : events) {
            given.add(Objects.requireNonNull(event, "given event"));
        }
        return this;
    }

    /**
     * Folds the given events and runs {@code decide} with the command.
     *
     * @param command the command under test
     * @return the outcome, to check with {@code then...}
     * @throws AssertionError when {@code evolve} throws on a given event
     */
    public Outcome<C, E, S> when(C command) {
        Objects.requireNonNull(command, "command");
        S state;
        try {
            state = aggregate.fold(aggregate.initialState(), given);
        } catch (RuntimeException e) {
            throw new AssertionError("evolve threw " + e + " while folding the given events " + given, e);
        }
        try {
            List<E> events = aggregate.decide().decide(command, state);
            if (events == null) {
                throw new AssertionError("decide returned null for " + command + "; return List.of() instead");
            }
            return new Outcome<>(aggregate, command, state, List.copyOf(events), null);
        } catch (RuntimeException e) {
            return new Outcome<>(aggregate, command, state, null, e);
        }
    }

    /**
     * What {@code decide} did with the command: the events it returned or the exception it threw.
     *
     * @param <C> the command type
     * @param <E> the event type
     * @param <S> the state type
     * @since 0.1
     */
    public static final class Outcome<C, E, S> {

        private final Aggregate<C, E, S> aggregate;
        private final C command;
        private final S stateBefore;
        private final List<E> events;
        private final RuntimeException error;

        private Outcome(Aggregate<C, E, S> aggregate, C command, S stateBefore, List<E> events,
                        RuntimeException error) {
            this.aggregate = aggregate;
            this.command = command;
            this.stateBefore = stateBefore;
            this.events = events;
            this.error = error;
        }

        /**
         * @param expected the events {@code decide} must have returned, in order (none for "nothing happens")
         * @return this outcome, to chain {@link #thenState}
         * @throws AssertionError when {@code decide} threw or returned other events
         */
        @SafeVarargs
        public final Outcome<C, E, S> thenEvents(E... expected) {
            List<E> wanted = new ArrayList<>(expected.length);
            for (E event : expected) {
                wanted.add(event);
            }
            requireNoError("events " + wanted);
            if (!events.equals(wanted)) {
                throw new AssertionError("When " + command + ":\n  expected events: " + wanted
                    + "\n  but decide returned: " + events);
            }
            return this;
        }

        /**
         * @return this outcome
         * @throws AssertionError when {@code decide} threw or returned any event
         */
        public Outcome<C, E, S> thenNoEvents() {
            return thenEvents();
        }

        /**
         * @param expectedType the exception class {@code decide} must have thrown (or a supertype of it)
         * @return this outcome
         * @throws AssertionError when {@code decide} returned events or threw something else
         */
        public Outcome<C, E, S> thenError(Class<? extends Throwable> expectedType) {
            Objects.requireNonNull(expectedType, "expectedType");
            if (error == null) {
                throw new AssertionError("When " + command + ":\n  expected error: " + expectedType.getName()
                    + "\n  but decide returned events: " + events);
            }
            if (!expectedType.isInstance(error)) {
                throw new AssertionError("When " + command + ":\n  expected error: " + expectedType.getName()
                    + "\n  but decide threw: " + error, error);
            }
            return this;
        }

        /**
         * @param expectedType the exception class {@code decide} must have thrown
         * @param messagePart text its message must contain
         * @return this outcome
         * @throws AssertionError when {@code decide} did not throw such an exception
         */
        public Outcome<C, E, S> thenError(Class<? extends Throwable> expectedType, String messagePart) {
            thenError(expectedType);
            String message = error.getMessage();
            if (message == null || !message.contains(messagePart)) {
                throw new AssertionError("When " + command + ":\n  expected an error message containing: "
                    + messagePart + "\n  but the message was: " + message, error);
            }
            return this;
        }

        /**
         * @param expected the state after the given events and the events {@code decide} returned
         * @return this outcome
         * @throws AssertionError when {@code decide} threw or the state differs ({@code equals})
         */
        public Outcome<C, E, S> thenState(S expected) {
            requireNoError("state " + expected);
            S actual = aggregate.fold(stateBefore, events);
            if (!Objects.equals(actual, expected)) {
                throw new AssertionError("When " + command + ":\n  expected state: " + expected
                    + "\n  but the state is: " + actual + "\n  (decide returned: " + events + ")");
            }
            return this;
        }

        /** @return the events {@code decide} returned, for custom assertions; empty when it threw */
        public List<E> events() {
            return events == null ? List.of() : events;
        }

        private void requireNoError(String expectation) {
            if (error != null) {
                throw new AssertionError("When " + command + ":\n  expected " + expectation
                    + "\n  but decide threw: " + error, error);
            }
        }
    }
}
