/**
 * The reliability suite of RELIABILITY.md for the JDBC store: the hot-stream concurrency test (C-1), the stateful
 * model test on H2 and PostgreSQL (M-1), unknown commit outcomes (I-2) and network faults (F-4) through a small
 * TCP proxy, and bad inputs against the library.
 * <p>
 * Every test runs at its CI size by default; {@code -Deventline.extended=true} (or {@code -Pextended}) runs the
 * extended sizes and prints the figures. The fault tool is {@link dev.eventline.jdbc.reliability.FaultProxy}.
 */
package dev.eventline.jdbc.reliability;
