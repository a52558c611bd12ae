package dev.eventline.core;

/**
 * A command or query was sent whose Java type has no handler registered on the bus.
 * <p>
 * This is a wiring mistake, so retrying cannot help: register a handler for the type with
 * {@code CommandBus.builder().handle(Type.class, handler)} (or {@code QueryBus.builder()}).
 *
 * @since 0.1
 */
public final class NoHandlerException extends EventStoreException {

    private final Class<?> messageClass;

    /**
     * @param bus which bus was asked ("command" or "query")
     * @param messageClass the unhandled Java type
     */
    public NoHandlerException(String bus, Class<?> messageClass) {
        super("No " + bus + " handler is registered for " + messageClass.getName() + ". Register one with "
            + (bus.equals("query") ? "QueryBus" : "CommandBus") + ".builder().handle(" + messageClass.getSimpleName()
            + ".class, handler).");
        this.messageClass = messageClass;
    }

    /** @return the Java type that has no handler */
    public Class<?> messageClass() {
        return messageClass;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
