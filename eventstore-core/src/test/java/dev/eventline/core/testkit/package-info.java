/**
 * The contract test kit: abstract JUnit 5 suites that every {@link dev.eventline.core.EventStore} implementation
 * extends, so that the in-memory, H2 and PostgreSQL stores are held to exactly the same behaviour. It ships in
 * the core module's test-jar ({@code <type>test-jar</type>}); a store's test class extends
 * {@link dev.eventline.core.testkit.EventStoreContract} (and {@link dev.eventline.core.testkit.TamperContract}
 * when a test can change its rows) and implements one factory method. {@link dev.eventline.core.testkit.MutableClock}
 * makes recording times predictable.
 */
package dev.eventline.core.testkit;
