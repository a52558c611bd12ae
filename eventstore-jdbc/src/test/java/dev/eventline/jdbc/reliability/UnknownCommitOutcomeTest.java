package dev.eventline.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventline.core.LogPosition;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * I-2 of RELIABILITY.md: the connection dies after {@code COMMIT} was sent and before the reply arrives (or just
 * before it is sent), so the client cannot know whether its append happened. It retries with the same event ids;
 * every logical append must then be stored exactly once, with its original versions.
 * <p>
 * CI: K = 200 logical appends (the plan's size), about half of them cut (split between "commit lost" and "reply
 * lost"); extended: 5,000.
 */
@Tag("slow")
class UnknownCommitOutcomeTest {

    private static final int APPENDS = Sizes.of(200, 5_000);
    private static final int STREAMS = 20;

    @Test
    void appends_retried_after_an_unknown_commit_outcome_are_stored_exactly_once() throws Exception {
        try (ProxiedPostgres pg = new ProxiedPostgres(2)) {
            // given
            LogPosition start = pg.directStore.headPosition();
            LogicalAppends client = new LogicalAppends(pg.store, 10, 10);
            Random random = new Random(42);
            long began = System.nanoTime();
            // when
            for (int k = 0; k < APPENDS; k++) {
                String stream = "i2-" + random.nextInt(STREAMS);
                int count = 1 + random.nextInt(3);
                boolean exact = random.nextBoolean();
                int fault = random.nextInt(4);
                boolean[] armed = {false};
                client.append(stream, count, exact, () -> {
                    // Only the first call of a logical append is cut; the retry must find out what happened.
                    if (!armed[0] && fault < 2) {
                        pg.proxy.cutNextCommit(fault == 0);
                    }
                    armed[0] = true;
                });
                pg.proxy.disarm();
            }
            // then
            long checked = client.verify(pg.directStore, start);
            long cutAfter = pg.proxy.commitsCutAfterSending();
            long cutBefore = pg.proxy.commitsCutBeforeSending();
            Sizes.report("I-2", APPENDS + " logical appends, " + checked + " events written and checked, "
                + cutAfter + " replies lost after commit, " + cutBefore + " commits lost, " + client.failedCalls()
                + " failed calls retried, 0 lost, 0 duplicated, 0 reordered, "
                + (System.nanoTime() - began) / 1_000_000 + " ms");
            assertThat(client.acknowledged()).isEqualTo(APPENDS);
            assertThat(cutAfter).as("replies lost after a commit").isGreaterThan(APPENDS / 8);
            assertThat(cutBefore).as("commits lost").isGreaterThan(APPENDS / 8);
            assertThat(client.failedCalls()).isGreaterThanOrEqualTo(cutAfter + cutBefore);
        }
    }
}
