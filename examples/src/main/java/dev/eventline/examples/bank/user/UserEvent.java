package dev.eventline.examples.bank.user;

/** What happened to a user. Stored under the type names in {@link User#EVENT_TYPES}. */
public sealed interface UserEvent {

    /** @return the user the event belongs to */
    String userId();

    /**
     * @param userId the user
     * @param name the user's name
     * @param email the user's e-mail address
     */
    record UserRegistered(String userId, String name, String email) implements UserEvent {
    }

    /**
     * @param userId the user
     * @param session the session's number for this user, 1, 2, 3…
     */
    record UserLoggedIn(String userId, long session) implements UserEvent {
    }

    /**
     * @param userId the user
     * @param session the number of the session that ended
     */
    record UserLoggedOut(String userId, long session) implements UserEvent {
    }

    /**
     * @param userId the user
     * @param action what the user did
     */
    record UserActionRecorded(String userId, String action) implements UserEvent {
    }
}
