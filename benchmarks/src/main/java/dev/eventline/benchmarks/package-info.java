/**
 * JMH benchmarks for Eventline: aggregate replay (with and without snapshots), appends, readAll and projection
 * catch-up on the in-memory store, H2 and PostgreSQL, each measured beside its ceiling (plain JDBC and plain
 * Jackson doing the same work with no store around it). Run them from the uber-jar
 * {@code java -jar benchmarks/target/benchmarks.jar}; see {@code benchmarks/README.md} for the commands and the
 * latest figures.
 */
package dev.eventline.benchmarks;
