package dev.eventline.examples.bank.http;

import io.javalin.Javalin;
import java.util.Set;

/**
 * A group of extra routes plugged into the bank's HTTP API (the saga endpoints are one).
 * <p>
 * A module registers its routes on the {@link Javalin} instance before it starts; errors it throws as
 * {@link ApiException} (or domain/Eventline exceptions) get the API's error body like every other route.
 * Modules are listed in {@link dev.eventline.examples.bank.BankExtensions}.
 */
@FunctionalInterface
public interface ApiModule {

    /**
     * @param app the application to add routes to
     * @param http helpers to read request bodies and write JSON answers the way the rest of the API does
     */
    void register(Javalin app, HttpSupport http);

    /**
     * The path prefixes this module serves, e.g. {@code /api/v1/sagas}. Until a module claims them, the API answers
     * the not-yet-built features ({@code /api/v1/sagas}) with 501; once claimed, an unknown path under them is an
     * ordinary 404.
     *
     * @return the prefixes (default: none)
     */
    default Set<String> servedPrefixes() {
        return Set.of();
    }
}
