package dev.eventline.examples.bank.user;

import dev.eventline.examples.bank.domain.AggregateNotFoundException;
import dev.eventline.examples.bank.domain.BusinessRuleException;
import dev.eventline.examples.bank.user.UserCommand.LoginUser;
import dev.eventline.examples.bank.user.UserCommand.LogoutUser;
import dev.eventline.examples.bank.user.UserCommand.RecordUserAction;
import dev.eventline.examples.bank.user.UserCommand.RegisterUser;
import dev.eventline.examples.bank.user.UserEvent.UserActionRecorded;
import dev.eventline.examples.bank.user.UserEvent.UserLoggedIn;
import dev.eventline.examples.bank.user.UserEvent.UserLoggedOut;
import dev.eventline.examples.bank.user.UserEvent.UserRegistered;
import java.util.List;
import java.util.Map;

/**
 * A user's state and its decider: register once, one session at a time, actions only once registered.
 *
 * @param userId the user's id, null before registration
 * @param name the user's name, null before registration
 * @param sessions how many sessions the user has started
 * @param loggedIn whether a session is open
 */
public record User(String userId, String name, long sessions, boolean loggedIn) {

    /** The aggregate type name. */
    public static final String TYPE = "user";
    /** The state before the first event. */
    public static final User INITIAL = new User(null, null, 0, false);
    /** Stored type names of the user events. */
    public static final Map<String, Class<? extends UserEvent>> EVENT_TYPES = Map.of(
        "UserRegistered", UserRegistered.class,
        "UserLoggedIn", UserLoggedIn.class,
        "UserLoggedOut", UserLoggedOut.class,
        "UserActionRecorded", UserActionRecorded.class);

    /**
     * Decides what a command does to a user.
     *
     * @param command the command
     * @param state the user's current state
     * @return the events to append
     * @throws BusinessRuleException when a rule refuses the command
     * @throws AggregateNotFoundException when the user is not registered
     */
    public static List<UserEvent> decide(UserCommand command, User state) {
        if (command instanceof RegisterUser register) {
            if (state.userId != null) {
                throw new BusinessRuleException("user_already_exists", "User '" + register.userId()
                    + "' is already registered (name: " + state.name + "). Choose another user_id.");
            }
            return List.of(new UserRegistered(register.userId(), register.name(), register.email()));
        }
        if (state.userId == null) {
            throw new AggregateNotFoundException(TYPE, command.userId());
        }
        if (command instanceof LoginUser login) {
            if (state.loggedIn) {
                throw new BusinessRuleException("already_logged_in", "User '" + login.userId()
                    + "' is already logged in (session: " + state.sessions + "). Log out first.");
            }
            return List.of(new UserLoggedIn(login.userId(), state.sessions + 1));
        } else if (command instanceof LogoutUser logout) {
            if (!state.loggedIn) {
                throw new BusinessRuleException("not_logged_in", "User '" + logout.userId()
                    + "' is not logged in (sessions: " + state.sessions + "). Log in first.");
            }
            return List.of(new UserLoggedOut(logout.userId(), state.sessions));
        } else if (command instanceof RecordUserAction action) {
            return List.of(new UserActionRecorded(action.userId(), action.action()));
        }
        throw new IllegalStateException("unexpected user command: " + command.getClass().getName());
    }

    /**
     * Applies one event to the state.
     *
     * @param state the state before
     * @param event the event
     * @return the state after
     */
    public static User evolve(User state, UserEvent event) {
        if (event instanceof UserRegistered registered) {
            return new User(registered.userId(), registered.name(), 0, false);
        } else if (event instanceof UserLoggedIn loggedIn) {
            return new User(state.userId, state.name, loggedIn.session(), true);
        } else if (event instanceof UserLoggedOut) {
            return new User(state.userId, state.name, state.sessions, false);
        } else if (event instanceof UserActionRecorded) {
            return state;
        }
        throw new IllegalStateException("unexpected user event: " + event.getClass().getName());
    }
}
