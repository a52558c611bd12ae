package dev.eventline.examples.bank;

import dev.eventline.examples.bank.branch.BranchesModule;
import dev.eventline.examples.bank.http.ApiModule;
import dev.eventline.examples.bank.http.HttpSupport;
import dev.eventline.examples.bank.saga.TransferSagaModule;
import io.javalin.Javalin;
import java.util.List;
import java.util.Set;

/**
 * The hook for features wired in after the core API: each returned module adds its routes to the HTTP API.
 * <p>
 * The transfer saga's endpoints ({@code POST /api/v1/sagas}, {@code GET /api/v1/sagas/{saga_id}}) are served by
 * {@link TransferSagaModule}, which also starts and stops the saga runner with the HTTP server. A module claims
 * its path prefix through {@link ApiModule#servedPrefixes()}; paths under an unclaimed prefix of a feature not
 * built yet answer 501 {@code not_implemented}. Branches ({@code /api/v1/branches}, and the {@code branch} field
 * or {@code X-Branch} header of other requests) are served by {@link BranchesModule}. Modules get every wired part through
 * {@link BankComponents}: the command bus and services, the store to follow events, the database for their state.
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
        return List.of(sagaEndpoints, new BranchesModule(components));
    }
}
