package dev.eventline.examples.bank;

import dev.eventline.examples.bank.http.ApiModule;
import dev.eventline.examples.bank.saga.TransferSagaModule;
import java.util.List;

/**
 * The hook for features wired in after the core API: each returned module adds its routes to the HTTP API.
 * <p>
 * The transfer saga's endpoints ({@code POST /api/v1/sagas}, {@code GET /api/v1/sagas/{saga_id}}) are served by
 * {@link TransferSagaModule}, which also starts and stops the saga runner with the HTTP server.
 */
public final class BankExtensions {

    private BankExtensions() {
    }

    /**
     * @param components the running application's parts
     * @return the extra route modules, registered in this order
     */
    public static List<ApiModule> modules(BankComponents components) {
        return List.of(new TransferSagaModule(components));
    }
}
