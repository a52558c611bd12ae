package dev.eventline.examples.bank.user;

import dev.eventline.examples.bank.domain.Values;

/** The commands a user accepts. Each record checks its own arguments. */
public sealed interface UserCommand {

    /** @return the user the command is for */
    String userId();

    /**
     * Registers a new user.
     *
     * @param userId the new user's id
     * @param name the user's name
     * @param email the user's e-mail address (must contain {@code @})
     */
    record RegisterUser(String userId, String name, String email) implements UserCommand {
        /** Validates the arguments. */
        public RegisterUser {
            Values.requireId(userId, "user_id");
            Values.requireText(name, "name", 200);
            Values.requireText(email, "email", 254);
            if (email.indexOf('@') < 1 || email.indexOf('@') == email.length() - 1) {
                throw new IllegalArgumentException("email must look like name@domain (email: " + email + ")");
            }
        }
    }

    /** @param userId the user logging in */
    record LoginUser(String userId) implements UserCommand {
        /** Validates the argument. */
        public LoginUser {
            Values.requireId(userId, "user_id");
        }
    }

    /** @param userId the user logging out */
    record LogoutUser(String userId) implements UserCommand {
        /** Validates the argument. */
        public LogoutUser {
            Values.requireId(userId, "user_id");
        }
    }

    /**
     * Records something a user did.
     *
     * @param userId the user
     * @param action what the user did, e.g. {@code viewed_statement}
     */
    record RecordUserAction(String userId, String action) implements UserCommand {
        /** Validates the arguments. */
        public RecordUserAction {
            Values.requireId(userId, "user_id");
            Values.requireText(action, "action", 200);
        }
    }
}
