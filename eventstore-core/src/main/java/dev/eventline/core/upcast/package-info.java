/**
 * Event versioning: registered functions that lift a stored event's JSON from schema version n to n+1, possibly
 * under a new type name. {@link dev.eventline.core.upcast.Upcasters} chains them on read, so old events are read
 * as the newest shape while the stored bytes are never rewritten. Register them through
 * {@link dev.eventline.core.serialization.EventTypes.Builder#upcasters}.
 */
package dev.eventline.core.upcast;
