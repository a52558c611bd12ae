package dev.eventline.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventline.core.AppendResult;
import dev.eventline.core.EventData;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.integrity.IntegrityReport;
import dev.eventline.core.integrity.IntegrityReport.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What {@link EventStore#verify} must report when stored rows are changed behind the store's back: tamper tests
 * T-1, T-2, T-3 and T-5 of RELIABILITY.md, plus tail truncation (T-4 with a client receipt).
 * <p>
 * A store's test class extends this class and implements {@link #newTamperableStore()}, typically with raw SQL:
 * <pre>{@code
 * final class PostgresTamperTest extends TamperContract {
 *     @Override
 *     protected TamperableStore newTamperableStore() {
 *         return new SqlTamperableStore(PgFixture.freshSchema());
 *     }
 * }
 * }</pre>
 * Before each test the suite appends six events to stream {@code victim} (versions 1–4 in one append, 5–6 in
 * another, some with metadata) and three to stream {@code bystander}, then changes one thing and checks that
 * {@code verify} names the exact stream, version and {@link Reason}, that {@code verifyAll} finds the same link,
 * and that the untouched stream still verifies.
 *
 * @since 0.1
 */
public abstract class TamperContract {

    /** The stream the tests change. */
    protected static final String VICTIM = "victim";
    /** A stream the tests leave alone. */
    protected static final String BYSTANDER = "bystander";

    private TamperableStore tamperable;
    private EventStore store;
    private final List<RecordedEvent> written = new ArrayList<>();

    /**
     * @return a new, empty store with raw hooks into its rows
     */
    protected abstract TamperableStore newTamperableStore();

    @BeforeEach
    void six_victim_events_and_three_bystander_events() {
        tamperable = Objects.requireNonNull(newTamperableStore(), "newTamperableStore() returned null");
        store = tamperable.store();
        EventMetadata metadata = EventMetadata.empty().withCorrelationId("corr-1").withPrincipal("ada")
            .with("source", "tamper-test");
        List<EventData> first = IntStream.rangeClosed(1, 4).mapToObj(i ->
            EventData.of("Deposited", "{\"n\":" + i + "}").withMetadata(i % 2 == 0 ? metadata : EventMetadata.empty()))
            .toList();
        written.addAll(store.append(VICTIM, ExpectedVersion.noStream(), first).events());
        store.append(BYSTANDER, ExpectedVersion.noStream(), List.of(EventData.of("Noted", "{\"b\":1}"),
            EventData.of("Noted", "{\"b\":2}"), EventData.of("Noted", "{\"b\":3}")));
        written.addAll(store.append(VICTIM, ExpectedVersion.exactly(4), List.of(
            EventData.of("Withdrawn", "{\"n\":5}"), EventData.of("Withdrawn", "{\"n\":6}").withMetadata(metadata)))
            .events());
    }

    @AfterEach
    void close_the_store() throws Exception {
        tamperable.close();
    }

    private RecordedEvent writtenAt(long version) {
        return written.get((int) version - 1);
    }

    /** Asserts that verify and verifyAll both report the victim broken at {@code version} for {@code reason}. */
    private void assertBrokenAt(long version, Reason reason) {
        IntegrityReport report = store.verify(VICTIM);
        assertThat(report.valid()).as("verify(victim) after tampering").isFalse();
        assertThat(report.violation().streamId()).isEqualTo(VICTIM);
        assertThat(report.violation().version()).as("broken version").isEqualTo(version);
        assertThat(report.violation().reason()).isEqualTo(reason);
        assertThat(report.violation().message()).contains(VICTIM).contains(Long.toString(version));

        IntegrityReport all = store.verifyAll();
        assertThat(all.valid()).as("verifyAll after tampering").isFalse();
        assertThat(all.violation().streamId()).isEqualTo(VICTIM);
        assertThat(all.violation().version()).isEqualTo(version);
        assertThat(all.violation().reason()).isEqualTo(reason);

        assertThat(store.verify(BYSTANDER).valid()).as("the untouched stream").isTrue();
    }

    @Test
    void an_untouched_store_verifies_intact() {
        assertThat(store.verify(VICTIM)).isEqualTo(IntegrityReport.intact(6));
        assertThat(store.verify(VICTIM, 6, writtenAt(6).checksum()).valid()).isTrue();
        assertThat(store.verifyAll()).isEqualTo(IntegrityReport.intact(9));
    }

    @Nested
    class Changed_content {

        @Test
        void a_changed_payload_is_reported_at_exactly_that_version() {
            // when (T-1)
            tamperable.changePayload(VICTIM, 3, "{\"n\":30}".getBytes(StandardCharsets.UTF_8));
            // then
            assertBrokenAt(3, Reason.CONTENT_CHANGED);
            assertThat(store.verify(VICTIM).eventsChecked()).isEqualTo(3);
        }

        @Test
        void a_changed_payload_in_the_first_and_in_the_last_event_is_found() {
            // when
            tamperable.changePayload(VICTIM, 6, "{\"n\":7}".getBytes(StandardCharsets.UTF_8));
            // then
            assertBrokenAt(6, Reason.CONTENT_CHANGED);
            // when
            tamperable.changePayload(VICTIM, 1, "{\"n\":0}".getBytes(StandardCharsets.UTF_8));
            // then: the first broken link is reported
            assertBrokenAt(1, Reason.CONTENT_CHANGED);
        }

        @Test
        void a_payload_changed_only_in_whitespace_is_found() {
            // when: the same JSON value, other bytes
            tamperable.changePayload(VICTIM, 2, "{ \"n\": 2 }".getBytes(StandardCharsets.UTF_8));
            // then
            assertBrokenAt(2, Reason.CONTENT_CHANGED);
        }

        @Test
        void a_changed_type_is_reported_at_that_version() {
            // when (T-2)
            tamperable.changeType(VICTIM, 5, "Deposited");
            // then
            assertBrokenAt(5, Reason.CONTENT_CHANGED);
        }

        @Test
        void changed_metadata_is_reported_at_that_version() {
            // when (T-2)
            tamperable.changeMetadata(VICTIM, 4, writtenAt(4).metadata().withPrincipal("mallory"));
            // then
            assertBrokenAt(4, Reason.CONTENT_CHANGED);
        }

        @Test
        void a_changed_version_is_reported_at_that_version() {
            // when (T-2): version 3's row now says 7, a version the stream never had
            tamperable.changeVersion(VICTIM, 3, 7);
            // then
            assertBrokenAt(3, Reason.EVENT_MISSING);
        }

        @Test
        void an_event_moved_into_another_stream_breaks_both_streams_at_its_version() {
            // when (T-2): the victim's version 4 now belongs to the bystander, as its next version
            tamperable.changeStreamId(VICTIM, 4, BYSTANDER);
            // then: missing where it was taken from; not the bystander's own where it was put
            IntegrityReport victim = store.verify(VICTIM);
            assertThat(victim.valid()).isFalse();
            assertThat(victim.violation().version()).isEqualTo(4);
            assertThat(victim.violation().reason()).isEqualTo(Reason.EVENT_MISSING);
            IntegrityReport bystander = store.verify(BYSTANDER);
            assertThat(bystander.valid()).as("verify(bystander)").isFalse();
            assertThat(bystander.violation().version()).isEqualTo(4);
            assertThat(bystander.violation().reason()).isEqualTo(Reason.CONTENT_CHANGED);
            assertThat(bystander.violation().message()).contains(BYSTANDER, writtenAt(4).eventId().toString());
            assertThat(store.verifyAll().valid()).isFalse();
        }

        @Test
        void metadata_added_to_an_event_without_metadata_is_found() {
            // when
            tamperable.changeMetadata(VICTIM, 1, EventMetadata.empty().withTenant("other-tenant"));
            // then
            assertBrokenAt(1, Reason.CONTENT_CHANGED);
        }
    }

    @Nested
    class Missing_and_moved_events {

        @Test
        void a_deleted_middle_event_is_reported_as_missing_at_its_version() {
            // when (T-3)
            tamperable.deleteEvent(VICTIM, 3);
            // then
            assertBrokenAt(3, Reason.EVENT_MISSING);
        }

        @Test
        void a_deleted_first_event_is_reported_as_missing_at_version_one() {
            // when
            tamperable.deleteEvent(VICTIM, 1);
            // then
            assertBrokenAt(1, Reason.EVENT_MISSING);
        }

        @Test
        void two_swapped_neighbours_are_reported_as_reordered_at_the_first_of_them() {
            // when (T-5)
            tamperable.swapVersions(VICTIM, 2, 3);
            // then
            assertBrokenAt(2, Reason.ORDER_CHANGED);
        }

        @Test
        void two_swapped_distant_events_are_reported_as_reordered_naming_both_versions() {
            // when (T-5)
            tamperable.swapVersions(VICTIM, 2, 5);
            // then
            assertBrokenAt(2, Reason.ORDER_CHANGED);
            assertThat(store.verify(VICTIM).violation().message()).contains("5");
        }
    }

    @Nested
    class Truncated_tail {

        @Test
        void a_removed_tail_is_invisible_to_the_chain_alone() {
            // when (T-4): the honest limit of a hash chain without a receipt
            tamperable.deleteEvent(VICTIM, 6);
            tamperable.deleteEvent(VICTIM, 5);
            // then
            assertThat(store.verify(VICTIM)).isEqualTo(IntegrityReport.intact(4));
        }

        @Test
        void a_removed_tail_is_reported_against_a_newer_kept_head() {
            // given
            AppendResultReceipt kept = new AppendResultReceipt(6, writtenAt(6).checksum());
            // when
            tamperable.deleteEvent(VICTIM, 6);
            tamperable.deleteEvent(VICTIM, 5);
            // then
            IntegrityReport report = store.verify(VICTIM, kept.version(), kept.checksum());
            assertThat(report.valid()).isFalse();
            assertThat(report.violation().streamId()).isEqualTo(VICTIM);
            assertThat(report.violation().version()).isEqualTo(5);
            assertThat(report.violation().reason()).isEqualTo(Reason.TAIL_TRUNCATED);
        }

        @Test
        void a_removed_tail_is_not_reported_against_a_kept_head_it_did_not_reach() {
            // when
            tamperable.deleteEvent(VICTIM, 6);
            tamperable.deleteEvent(VICTIM, 5);
            // then
            assertThat(store.verify(VICTIM, 4, writtenAt(4).checksum()).valid()).isTrue();
        }

        @Test
        void a_stream_deleted_entirely_is_reported_against_a_kept_head() {
            // when
            for (long version = 6; version >= 1; version--) {
                tamperable.deleteEvent(VICTIM, version);
            }
            // then
            IntegrityReport report = store.verify(VICTIM, 6, writtenAt(6).checksum());
            assertThat(report.valid()).isFalse();
            assertThat(report.violation().version()).isEqualTo(1);
            assertThat(report.violation().reason()).isEqualTo(Reason.TAIL_TRUNCATED);
        }
    }

    /** What a client keeps from an {@link AppendResult}: the head version and its checksum. */
    private record AppendResultReceipt(long version, String checksum) {
    }
}
