package dev.eventline.examples.bank.http;

import io.javalin.Javalin;

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
}
