/**
 * The contract test kit: abstract JUnit 5 and jqwik suites that every {@link dev.eventline.core.EventStore}
 * implementation extends, so that the in-memory, H2 and PostgreSQL stores are held to exactly the same behaviour.
 * It ships in the core module's test-jar ({@code <type>test-jar</type>}). A store's tests extend
 * {@link dev.eventline.core.testkit.EventStoreContract} (behaviour), {@link dev.eventline.core.testkit.TamperContract}
 * (tamper evidence, through the raw row hooks of {@link dev.eventline.core.testkit.TamperableStore}) and
 * {@link dev.eventline.core.testkit.EventStoreModelContract} (random operation sequences against a model), each by
 * implementing one factory method. {@link dev.eventline.core.testkit.MutableClock} makes recording times predictable.
 */
package dev.eventline.core.testkit;
