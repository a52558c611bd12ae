package dev.eventline.examples.bank.http;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * The {@code filters} object of a query, read with messages that name the field ({@code filters.account_id}).
 * <p>
 * Thread-safety: immutable.
 */
public final class QueryFilters {

    private final Fields fields;

    QueryFilters(Fields fields) {
        this.fields = fields;
    }

    /**
     * @param name the filter's name
     * @return the filter as an id (non-blank, at most 100 characters)
     * @throws ApiException 400 when missing or invalid
     */
    public String id(String name) {
        return fields.id(name, CommandTypes.MAX_ID_LENGTH);
    }

    /**
     * @param name the filter's name
     * @return the filter as a date, {@code yyyy-mm-dd}
     * @throws ApiException 400 when missing or invalid
     */
    public LocalDate date(String name) {
        String value = fields.text(name);
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(fields.name(name) + " must be a date such as 2024-01-31 (got: "
                + Fields.abbreviate(value) + ")");
        }
    }
}
