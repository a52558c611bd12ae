package dev.eventline.examples.bank;

import dev.eventline.examples.bank.http.ApiModule;
import java.util.List;

/**
 * The hook for features wired in after the core API: each returned module adds its routes to the HTTP API.
 * <p>
 * The saga endpoints ({@code POST /api/v1/sagas}, {@code GET /api/v1/sagas/{saga_id}}) belong here: add their
 * module to the list. Until a module serves a path under {@code /api/v1/sagas}, those paths answer 501
 * {@code not_implemented}.
 */
public final class BankExtensions {

    private BankExtensions() {
    }

    /**
     * @param components the running application's parts
     * @return the extra route modules, registered in this order
     */
    public static List<ApiModule> modules(BankComponents components) {
        return List.of();
    }
}
