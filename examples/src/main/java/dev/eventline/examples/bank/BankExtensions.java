package dev.eventline.examples.bank;

import dev.eventline.examples.bank.http.ApiModule;
import dev.eventline.examples.bank.http.HttpSupport;
import dev.eventline.examples.bank.saga.TransferSagaModule;
import io.javalin.Javalin;
import java.util.List;
import java.util.Set;

/**
 * The hook for features wired in after the core API: each returned module adds its routes to the HTTP API.
 * <p>
 * The saga endpoints ({@code POST /api/v1/sagas}, {@code GET /api/v1/sagas/{saga_id}}) belong here: add their
 * module to the list, with {@link ApiModule#servedPrefixes()} returning {@code /api/v1/sagas}. Until a module
 * claims that prefix, paths under it answer 501 {@code not_implemented}. The module gets every wired part through
 * {@link BankComponents}: the command bus to send account commands, the store to follow events, the database for
 * its own state.
 */
public final class BankExtensions {

    private BankExtensions() {
    }

    /**
     * @param components the running application's parts
     * @return the extra route modules, registered in this order
     */
    public static List<ApiModule> modules(BankComponents components) {
        TransferSagaModule sagas = new TransferSagaModule(components);
        ApiModule sagaEndpoints = new ApiModule() {
            @Override
            public void register(Javalin app, HttpSupport http) {
                sagas.register(app, http);
            }

            @Override
            public Set<String> servedPrefixes() {
                return Set.of("/api/v1/sagas");
            }
        };
        return List.of(sagaEndpoints);
    }
}
