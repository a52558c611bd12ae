/**
 * Turning event objects into stored JSON and back. {@link dev.eventline.core.serialization.EventTypes} is the
 * explicit registry of logical type names, Java types and current schema versions;
 * {@link dev.eventline.core.serialization.EventSerializer} uses it with Jackson, applying the upcaster chain on
 * read. Stored data holds type names, never Java class names, and an unknown type name is an error, not a silent
 * drop.
 */
package dev.eventline.core.serialization;
