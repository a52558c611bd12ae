package dev.eventline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogPositionTest {

    @Test
    void positions_order_by_commit_first_then_by_position() {
        // given: on PostgreSQL a later transaction can hold a smaller position
        LogPosition earlyCommitLatePosition = new LogPosition(10, 500);
        LogPosition lateCommitEarlyPosition = new LogPosition(11, 7);
        // then
        assertThat(earlyCommitLatePosition).isLessThan(lateCommitEarlyPosition);
        assertThat(lateCommitEarlyPosition.isAfter(earlyCommitLatePosition)).isTrue();
        assertThat(new LogPosition(10, 3)).isLessThan(new LogPosition(10, 4));
    }

    @Test
    void sorting_puts_positions_in_log_order() {
        // given
        List<LogPosition> positions = new ArrayList<>(List.of(new LogPosition(3, 1), LogPosition.of(2),
            new LogPosition(3, 0), LogPosition.START, new LogPosition(2, 9)));
        // when
        positions.sort(null);
        // then
        assertThat(positions).containsExactly(LogPosition.START, LogPosition.of(2), new LogPosition(2, 9),
            new LogPosition(3, 0), new LogPosition(3, 1));
    }

    @Test
    void is_after_is_strict() {
        assertThat(LogPosition.of(5).isAfter(LogPosition.of(5))).isFalse();
        assertThat(LogPosition.of(5).isAfter(LogPosition.of(4))).isTrue();
        assertThat(LogPosition.of(4).isAfter(LogPosition.of(5))).isFalse();
    }

    @Test
    void start_comes_before_every_position() {
        assertThat(LogPosition.of(1).isAfter(LogPosition.START)).isTrue();
        assertThat(new LogPosition(0, 1).isAfter(LogPosition.START)).isTrue();
        assertThat(LogPosition.START).isEqualTo(new LogPosition(0, 0));
    }

    @Test
    void of_uses_the_position_as_commit_order() {
        assertThat(LogPosition.of(42)).isEqualTo(new LogPosition(42, 42));
        assertThat(LogPosition.of(42)).hasToString("42");
        assertThat(new LogPosition(7, 42)).hasToString("7:42");
    }

    @Test
    void negative_parts_are_refused() {
        assertThatThrownBy(() -> new LogPosition(-1, 0)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("-1");
        assertThatThrownBy(() -> new LogPosition(0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogPosition.of(-3)).isInstanceOf(IllegalArgumentException.class);
    }
}
