/**
 * Implementation details of the saga module: deterministic ids, the JSON form of saga records and the optional
 * Micrometer binding. Not part of the public API; nothing outside {@code eventstore-saga} may import it.
 */
package dev.eventline.saga.internal;
