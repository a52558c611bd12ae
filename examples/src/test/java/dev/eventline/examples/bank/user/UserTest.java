package dev.eventline.examples.bank.user;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventline.core.aggregate.AggregateFixture;
import dev.eventline.examples.bank.BankDomain;
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
import org.junit.jupiter.api.Test;

class UserTest {

    private static final UserRegistered REGISTERED = new UserRegistered("u-1", "Ada", "ada@example.com");

    private static AggregateFixture<UserCommand, UserEvent, User> fixture() {
        return AggregateFixture.of(BankDomain.USER);
    }

    @Test
    void registering_twice_is_refused() {
        fixture().given().when(new RegisterUser("u-1", "Ada", "ada@example.com")).thenEvents(REGISTERED);
        fixture().given(REGISTERED).when(new RegisterUser("u-1", "Ada", "ada@example.com"))
            .thenError(BusinessRuleException.class, "already registered");
    }

    @Test
    void sessions_are_numbered_and_alternate_between_login_and_logout() {
        fixture().given(REGISTERED).when(new LoginUser("u-1")).thenEvents(new UserLoggedIn("u-1", 1));
        fixture().given(REGISTERED, new UserLoggedIn("u-1", 1), new UserLoggedOut("u-1", 1))
            .when(new LoginUser("u-1")).thenEvents(new UserLoggedIn("u-1", 2));
        fixture().given(REGISTERED, new UserLoggedIn("u-1", 1)).when(new LoginUser("u-1"))
            .thenError(BusinessRuleException.class, "already logged in");
        fixture().given(REGISTERED).when(new LogoutUser("u-1"))
            .thenError(BusinessRuleException.class, "not logged in");
    }

    @Test
    void actions_need_a_registered_user() {
        fixture().given(REGISTERED).when(new RecordUserAction("u-1", "viewed_statement"))
            .thenEvents(new UserActionRecorded("u-1", "viewed_statement"));
        fixture().given().when(new RecordUserAction("u-2", "x")).thenError(AggregateNotFoundException.class);
    }

    @Test
    void an_email_without_an_at_sign_is_refused() {
        assertThatThrownBy(() -> new RegisterUser("u-1", "Ada", "ada.example.com"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("email");
    }
}
