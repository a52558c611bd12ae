/**
 * The reliability suite of RELIABILITY.md through the bank's HTTP API: the bank invariants under concurrent
 * clients that retry (B-1), the {@code Idempotency-Key} rules (I-3, X-7), and hostile JSON, versions, amounts and
 * HTTP framing. {@code -Deventline.extended=true} (or {@code -Pextended}) runs B-1 at its
 * extended size.
 */
package dev.eventline.examples.bank.reliability;
