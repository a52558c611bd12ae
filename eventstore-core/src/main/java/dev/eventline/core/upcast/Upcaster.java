package dev.eventline.core.upcast;

/**
 * Lifts one event type from one schema version to the next: (type, n, JSON) to (type', n+1, JSON').
 * <p>
 * Upcasters are registered per (type, fromVersion) in {@link Upcasters} and run on read, one after the other,
 * until no upcaster matches. They must be pure functions of their input: the same stored event must always be
 * read the same way. Stored events are never rewritten. A thrown exception becomes an
 * {@link UpcastingException} naming the type and version.
 * <p>
 * Most upcasters only reshape the payload and are registered with
 * {@link Upcasters.Builder#add(String, int, java.util.function.UnaryOperator)}; implement this interface when the
 * type name changes depending on the content.
 * <pre>{@code
 * Upcaster split = event -> event.payload().has("iban")
 *     ? event.next("BankAccountOpened", event.payload())
 *     : event.next(event.payload());
 * }</pre>
 *
 * @since 0.1
 */
@FunctionalInterface
public interface Upcaster {

    /**
     * @param event the event at schema version n
     * @return the event at schema version n+1 (see {@link JsonEvent#next})
     */
    JsonEvent upcast(JsonEvent event);
}
