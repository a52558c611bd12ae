/**
 * Tamper evidence: the per-stream hash chain every store computes at append, and the reports that
 * {@link dev.eventline.core.EventStore#verify(String)} returns. See {@link dev.eventline.core.integrity.HashChain}
 * for what the chain can and cannot detect.
 */
package dev.eventline.core.integrity;
