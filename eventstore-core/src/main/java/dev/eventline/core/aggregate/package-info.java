/**
 * Aggregates as deciders: an initial state, {@code decide(command, state) -> events} and
 * {@code evolve(state, event) -> state}, plain functions over the user's records with no base class or
 * annotation. {@link dev.eventline.core.aggregate.AggregateRepository} loads them (snapshot plus tail), runs
 * {@code decide}, appends with optimistic concurrency and retries on conflict;
 * {@link dev.eventline.core.aggregate.AggregateFixture} tests them in given/when/then style.
 */
package dev.eventline.core.aggregate;
