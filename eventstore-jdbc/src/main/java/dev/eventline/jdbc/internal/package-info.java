/**
 * Implementation details of the JDBC module: SQL error translation, identifier checks, the metadata codec and
 * connection-URL parsing. Not part of the public API: nothing outside eventstore-jdbc should import these types,
 * and they change without notice.
 */
package dev.eventline.jdbc.internal;
