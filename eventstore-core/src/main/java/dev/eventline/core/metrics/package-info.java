/**
 * Metrics of the command and query buses behind a small SPI, {@link dev.eventline.core.metrics.BusMetrics}: a
 * no-op by default, and {@link dev.eventline.core.metrics.MicrometerBusMetrics} when the application has
 * Micrometer (an optional dependency that only that class touches).
 */
package dev.eventline.core.metrics;
