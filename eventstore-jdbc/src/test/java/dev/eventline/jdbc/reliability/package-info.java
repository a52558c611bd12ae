/**
 * The reliability suite of RELIABILITY.md for the JDBC store: the hot stream (C-1), the stateful model test on H2
 * and PostgreSQL (M-1), commit interleavings (O-3), horizon holders (O-4), unknown commit outcomes (I-2), a killed
 * server (F-1), terminated backends (F-2) and network faults (F-4) through a small TCP proxy, maintenance no-ops
 * (T-9), and bad inputs against the library (X-2 configuration identifiers, X-4 hostile type names).
 * <p>
 * Every test runs at its CI size by default; {@code -Deventline.extended=true} (or {@code -Pextended}) runs the
 * extended sizes. Each prints one {@code [reliability]} line with its figures. The fault tool is
 * {@link dev.eventline.jdbc.reliability.FaultProxy}.
 */
package dev.eventline.jdbc.reliability;
