package dev.eventline.core;

/**
 * The principal sending a command or query is not allowed to: the authorization policy denied it, or no policy
 * exists for the message type (authorization denies by default). Nothing was written and no handler ran.
 * <p>
 * Retrying cannot help: send it as a principal the policy allows, or add a rule for the type to the
 * authorization middleware.
 *
 * @since 0.1
 */
public final class UnauthorizedException extends EventStoreException {

    private final String principal;
    private final String messageType;
    private final String reason;

    /**
     * @param principal the principal that was denied, or null when the message carried none
     * @param messageType the command or query type
     * @param reason why it was denied, ending with what to do
     */
    public UnauthorizedException(String principal, String messageType, String reason) {
        super("'" + messageType + "' denied for principal " + (principal == null ? "(none)" : "'" + principal + "'")
            + ": " + reason);
        this.principal = principal;
        this.messageType = messageType;
        this.reason = reason;
    }

    /** @return the principal that was denied, or null when the message carried none */
    public String principal() {
        return principal;
    }

    /** @return the command or query type that was denied */
    public String messageType() {
        return messageType;
    }

    /** @return why it was denied */
    public String reason() {
        return reason;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
