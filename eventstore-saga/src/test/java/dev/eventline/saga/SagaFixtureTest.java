package dev.eventline.saga;

import static dev.eventline.saga.TransferSagas.APPROVAL_TIMEOUT;
import static dev.eventline.saga.TransferSagas.APPROVED_TRANSFER;
import static dev.eventline.saga.TransferSagas.TRANSFER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventline.saga.TestBank.Deposit;
import dev.eventline.saga.TestBank.Withdraw;
import dev.eventline.saga.TransferSagas.Transfer;
import dev.eventline.saga.TransferSagas.TransferApproved;
import dev.eventline.saga.TransferSagas.TransferRequested;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SagaFixtureTest {

    @Test
    void a_transfer_withdraws_deposits_and_completes_without_pending_deadlines() {
        SagaFixture.of(TRANSFER)
            // when
            .start("t-1", new Transfer("a", "b", 30))
            // then
            .expectCommands(new Withdraw("a", 30), new Deposit("b", 30))
            .expectStatus(SagaStatus.COMPLETED)
            .expectDeadlines();
    }

    @Test
    void a_rejected_deposit_is_compensated_by_a_refund() {
        // given
        var fixture = SagaFixture.of(TRANSFER)
            .rejecting(command -> command instanceof Deposit deposit && deposit.account().equals("closed"),
                "account closed");
        // when
        fixture.start("t-1", new Transfer("a", "closed", 30));
        // then
        fixture.expectCommands(new Withdraw("a", 30), new Deposit("closed", 30), new Deposit("a", 30))
            .expectStatus(SagaStatus.COMPENSATED);
        assertThat(fixture.instance().reason()).contains("deposit").contains("account closed");
        assertThat(fixture.commands().get(2).compensation()).isTrue();
    }

    @Test
    void a_rejected_first_step_leaves_nothing_to_compensate() {
        SagaFixture.of(TRANSFER)
            .rejecting(command -> command instanceof Withdraw, "insufficient funds")
            // when
            .start("t-1", new Transfer("a", "b", 30))
            // then
            .expectCommands(new Withdraw("a", 30))
            .expectStatus(SagaStatus.COMPENSATED);
    }

    @Test
    void a_passed_deadline_compensates_the_completed_steps() {
        // given
        var fixture = SagaFixture.of(APPROVED_TRANSFER)
            .event("transfers", "TransferRequested", new TransferRequested("t-7", "a", "b", 10));
        fixture.expectStatus(SagaStatus.RUNNING)
            .expectDeadlines(new SagaDeadline("approval", SagaFixture.DEFAULT_START.plus(APPROVAL_TIMEOUT)));
        // when
        fixture.advanceTime(APPROVAL_TIMEOUT.minusSeconds(1));
        fixture.expectStatus(SagaStatus.RUNNING);
        fixture.advanceTime(Duration.ofSeconds(1));
        // then
        fixture.expectCommands(new Withdraw("a", 10), new Deposit("a", 10))
            .expectStatus(SagaStatus.COMPENSATED)
            .expectDeadlines();
        assertThat(fixture.instance().reason()).contains("deadline 'approval' passed");
    }

    @Test
    void a_correlated_event_before_the_deadline_completes_the_saga() {
        SagaFixture.of(APPROVED_TRANSFER)
            .event("transfers", "TransferRequested", new TransferRequested("t-7", "a", "b", 10))
            .advanceTime(APPROVAL_TIMEOUT.minusSeconds(1))
            // when
            .event("approvals", "TransferApproved", new TransferApproved("t-7"))
            .advanceTime(APPROVAL_TIMEOUT)
            // then
            .expectCommands(new Withdraw("a", 10), new Deposit("b", 10))
            .expectStatus(SagaStatus.COMPLETED)
            .expectDeadlines();
    }

    @Test
    void an_event_for_another_transfer_does_not_reach_the_instance() {
        SagaFixture.of(APPROVED_TRANSFER)
            .event("transfers", "TransferRequested", new TransferRequested("t-7", "a", "b", 10))
            // when
            .event("approvals", "TransferApproved", new TransferApproved("t-8"))
            // then
            .expectCommands(new Withdraw("a", 10))
            .expectStatus(SagaStatus.RUNNING);
    }

    @Test
    void a_rejected_compensation_parks_the_saga_as_failed_with_the_reason() {
        // given
        var fixture = SagaFixture.of(TRANSFER)
            .rejecting(command -> command instanceof Deposit, "bank unavailable");
        // when
        fixture.start("t-1", new Transfer("a", "b", 5));
        // then
        fixture.expectCommands(new Withdraw("a", 5), new Deposit("b", 5), new Deposit("a", 5))
            .expectStatus(SagaStatus.FAILED)
            .expectDeadlines();
        assertThat(fixture.instance().reason())
            .isEqualTo("compensation of step 'withdraw' rejected: bank unavailable");
        assertThat(fixture.instance().compensationStack()).containsExactly("withdraw");
    }

    @Test
    void expectations_that_do_not_hold_fail_with_what_was_seen() {
        // given
        var fixture = SagaFixture.of(TRANSFER).start("t-1", new Transfer("a", "b", 30));
        // when / then
        assertThatThrownBy(() -> fixture.expectStatus(SagaStatus.COMPENSATED))
            .isInstanceOf(AssertionError.class).hasMessageContaining("COMPLETED");
        assertThatThrownBy(() -> fixture.expectCommands(new Withdraw("a", 30)))
            .isInstanceOf(AssertionError.class).hasMessageContaining("Deposit");
    }

    @Test
    void the_state_is_kept_as_the_handlers_returned_it() {
        // when
        var fixture = SagaFixture.of(TRANSFER).start("t-1", new Transfer("a", "b", 30));
        // then
        assertThat(fixture.state()).isEqualTo(new Transfer("a", "b", 30));
        assertThat(fixture.instance().steps()).extracting(SagaStep::name).containsExactly("withdraw", "deposit");
    }

    @Test
    void the_same_starting_event_id_twice_starts_one_instance() {
        SagaFixture.of(APPROVED_TRANSFER)
            .event("transfers", "TransferRequested", new TransferRequested("t-7", "a", "b", 10))
            // when
            .event("transfers", "TransferRequested", new TransferRequested("t-7", "a", "b", 10))
            // then
            .expectCommands(new Withdraw("a", 10))
            .expectStatus(SagaStatus.RUNNING);
    }

    @Test
    void a_handler_that_throws_fails_the_test_and_records_nothing() {
        // given
        SagaType<Transfer> broken = SagaType.builder("Broken", Transfer.class)
            .startedBy(Transfer.class, (transfer, saga) -> {
                throw new IllegalStateException("bug in handler");
            })
            .build();
        var fixture = SagaFixture.of(broken);
        // when / then
        assertThatThrownBy(() -> fixture.start("b-1", new Transfer("a", "b", 1)))
            .isInstanceOf(IllegalStateException.class).hasMessage("bug in handler");
        assertThat(fixture.instance().steps()).isEmpty();
        assertThat(fixture.commands()).isEmpty();
    }
}
