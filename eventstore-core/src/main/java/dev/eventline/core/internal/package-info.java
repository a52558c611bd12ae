/**
 * Implementation details of the core module. Not part of the public API: nothing outside Eventline should
 * import these types, and they change without notice.
 */
package dev.eventline.core.internal;
