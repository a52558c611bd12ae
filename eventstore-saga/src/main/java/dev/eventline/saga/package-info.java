/**
 * Sagas (process managers): long-running transactions that react to events by sending commands, with durable
 * state, deadlines and compensation in reverse order. Describe a saga with {@link dev.eventline.saga.SagaType},
 * run it with {@link dev.eventline.saga.SagaRunner}, and test it with {@link dev.eventline.saga.SagaFixture}.
 * Every saga instance is stored as events in its own stream ({@code saga-<type>-<id>}), so it survives restarts
 * and can be audited like any aggregate.
 */
package dev.eventline.saga;
