/**
 * Implementation details of the projection runner (worker loop, backoff, metrics binding). Not API: nothing
 * outside {@code eventstore-projections} may use these types.
 */
package dev.eventline.projections.internal;
