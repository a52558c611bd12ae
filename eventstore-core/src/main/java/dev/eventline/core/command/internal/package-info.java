/**
 * Helpers shared by the command and query buses: strict JSON decoding of envelopes, command fingerprints and the
 * default daemon thread pools. Not part of the public API; nothing outside eventstore-core may use it.
 */
package dev.eventline.core.command.internal;
