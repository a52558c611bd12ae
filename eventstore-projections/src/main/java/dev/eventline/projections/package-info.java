/**
 * Projections: handlers per event type that turn the global log into read models. A
 * {@link dev.eventline.projections.ProjectionRunner} catches each registered
 * {@link dev.eventline.projections.Projection} up from its checkpoint in batches and then follows live writes;
 * JDBC read models commit their rows and the checkpoint in one transaction (exactly-once). Rebuilds run into a
 * shadow copy while the current read model keeps answering; failing events are retried, then stop the projection
 * or are parked per stream.
 */
package dev.eventline.projections;
