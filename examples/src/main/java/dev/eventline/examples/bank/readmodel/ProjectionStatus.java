package dev.eventline.examples.bank.readmodel;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where a read model stands, as {@code GET /api/v1/projections} shows it.
 *
 * @param name the read model
 * @param status {@code catching_up}, {@code live}, {@code rebuilding}, {@code stopped} or {@code failed}
 * @param position the global position of the last event applied to the model queries read (0 before any)
 * @param lag how many positions the model is behind the head of the log
 * @param error why it failed, absent unless {@code failed}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProjectionStatus(String name, String status, long position, long lag, String error) {
}
