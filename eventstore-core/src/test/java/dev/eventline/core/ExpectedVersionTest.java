package dev.eventline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExpectedVersionTest {

    @Test
    void any_is_satisfied_by_every_version() {
        assertThat(ExpectedVersion.any().isSatisfiedBy(0)).isTrue();
        assertThat(ExpectedVersion.any().isSatisfiedBy(1)).isTrue();
        assertThat(ExpectedVersion.any().isSatisfiedBy(Long.MAX_VALUE)).isTrue();
    }

    @Test
    void no_stream_is_satisfied_only_by_an_absent_stream() {
        assertThat(ExpectedVersion.noStream().isSatisfiedBy(0)).isTrue();
        assertThat(ExpectedVersion.noStream().isSatisfiedBy(1)).isFalse();
        assertThat(ExpectedVersion.noStream().isSatisfiedBy(50)).isFalse();
    }

    @Test
    void stream_exists_is_satisfied_by_any_stream_with_an_event() {
        assertThat(ExpectedVersion.streamExists().isSatisfiedBy(0)).isFalse();
        assertThat(ExpectedVersion.streamExists().isSatisfiedBy(1)).isTrue();
        assertThat(ExpectedVersion.streamExists().isSatisfiedBy(50)).isTrue();
    }

    @Test
    void exactly_is_satisfied_only_by_that_version_and_exactly_zero_means_no_stream() {
        assertThat(ExpectedVersion.exactly(3).isSatisfiedBy(3)).isTrue();
        assertThat(ExpectedVersion.exactly(3).isSatisfiedBy(2)).isFalse();
        assertThat(ExpectedVersion.exactly(3).isSatisfiedBy(4)).isFalse();
        for (long version : new long[] {0, 1, 7}) {
            assertThat(ExpectedVersion.exactly(0).isSatisfiedBy(version))
                .isEqualTo(ExpectedVersion.noStream().isSatisfiedBy(version));
        }
    }

    @Test
    void a_negative_exact_version_is_refused() {
        assertThatThrownBy(() -> ExpectedVersion.exactly(-5)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("-5");
    }

    @Test
    void expectations_are_values() {
        assertThat(ExpectedVersion.exactly(4)).isEqualTo(new ExpectedVersion.Exactly(4));
        assertThat(ExpectedVersion.any()).isEqualTo(new ExpectedVersion.Any());
        assertThat(ExpectedVersion.noStream()).isNotEqualTo(ExpectedVersion.exactly(0));
    }

    @Test
    void a_conflict_message_names_the_stream_the_expectation_and_the_actual_version() {
        // when
        var conflict = new ConcurrencyConflictException("account-42", ExpectedVersion.exactly(4), 5, 2);
        var absent = new ConcurrencyConflictException("account-43", ExpectedVersion.streamExists(), 0, 1);
        // then
        assertThat(conflict.getMessage()).contains("account-42").contains("expected version 4")
            .contains("at 5").contains("retry");
        assertThat(absent.getMessage()).contains("stream exists").contains("no stream");
        assertThat(conflict.isRetryable()).isTrue();
    }
}
