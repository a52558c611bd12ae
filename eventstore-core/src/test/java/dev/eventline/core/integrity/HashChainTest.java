package dev.eventline.core.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventline.core.ConfigurationException;
import dev.eventline.core.EventData;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.InMemoryEventStore;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.integrity.IntegrityReport.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HashChainTest {

    private static final Instant AT = Instant.parse("2026-03-01T10:00:00.123456Z");
    private static final UUID ID = UUID.fromString("0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");

    private static byte[] key(int length, int seed) {
        byte[] key = new byte[length];
        for (int i = 0; i < length; i++) {
            key[i] = (byte) (seed * 31 + i);
        }
        return key;
    }

    private static List<RecordedEvent> appendFive(EventStore store) {
        List<EventData> events = IntStream.rangeClosed(1, 5)
            .mapToObj(i -> EventData.of("Deposited", "{\"amount\":" + i + "}")).toList();
        return store.append("account-1", ExpectedVersion.noStream(), events).events();
    }

    /** Recomputes a whole chain, as someone with write access but without the key would. */
    private static List<RecordedEvent> rechain(HashChain chain, List<RecordedEvent> events) {
        List<RecordedEvent> rechained = new ArrayList<>();
        String previous = "";
        for (RecordedEvent e : events) {
            String checksum = chain.link(previous, e);
            rechained.add(new RecordedEvent(e.eventId(), e.streamId(), e.version(), e.position(), e.recordedAt(),
                e.type(), e.schemaVersion(), e.payload(), e.metadata(), checksum));
            previous = checksum;
        }
        return rechained;
    }

    private static RecordedEvent withPayload(RecordedEvent e, String json) {
        return new RecordedEvent(e.eventId(), e.streamId(), e.version(), e.position(), e.recordedAt(), e.type(),
            e.schemaVersion(), json.getBytes(StandardCharsets.UTF_8), e.metadata(), e.checksum());
    }

    @Nested
    class Keyed_chains {

        @Test
        void a_keyed_chain_verifies_with_its_own_key() {
            // given
            HashChain chain = HashChain.hmacSha256(key(32, 1));
            EventStore store = InMemoryEventStore.builder().hashChain(chain).build();
            List<RecordedEvent> events = appendFive(store);
            // when
            IntegrityReport report = HashChain.hmacSha256(key(32, 1)).verify("account-1", events.iterator(), 0, null);
            // then
            assertThat(report).isEqualTo(IntegrityReport.intact(5));
            assertThat(store.verify("account-1").valid()).isTrue();
            assertThat(chain.isKeyed()).isTrue();
        }

        @Test
        void a_chain_built_with_another_key_fails_verify_at_the_first_event() {
            // given
            EventStore store = InMemoryEventStore.builder().hashChain(HashChain.hmacSha256(key(32, 1))).build();
            List<RecordedEvent> events = appendFive(store);
            // when
            IntegrityReport report = HashChain.hmacSha256(key(32, 2)).verify("account-1", events.iterator(), 0, null);
            // then
            assertThat(report.valid()).isFalse();
            assertThat(report.violation().version()).isEqualTo(1);
            assertThat(report.violation().reason()).isEqualTo(Reason.CONTENT_CHANGED);
        }

        @Test
        void an_edit_with_the_chain_recomputed_without_the_key_is_detected() {
            // given
            HashChain keyed = HashChain.hmacSha256(key(48, 7));
            EventStore store = InMemoryEventStore.builder().hashChain(keyed).build();
            List<RecordedEvent> stored = new ArrayList<>(appendFive(store));
            // when: an attacker changes version 3 and recomputes every link, with the only chain they can compute
            stored.set(2, withPayload(stored.get(2), "{\"amount\":3000}"));
            List<RecordedEvent> forged = rechain(HashChain.sha256(), stored);
            // then
            assertThat(HashChain.sha256().verify("account-1", forged.iterator(), 0, null).valid())
                .as("an unkeyed chain cannot tell").isTrue();
            IntegrityReport report = keyed.verify("account-1", forged.iterator(), 0, null);
            assertThat(report.valid()).isFalse();
            assertThat(report.violation().version()).isEqualTo(1);
        }

        @Test
        void an_unkeyed_chain_is_forgeable_unless_the_caller_kept_the_head_checksum() {
            // given
            EventStore store = EventStore.inMemory();
            List<RecordedEvent> stored = new ArrayList<>(appendFive(store));
            String keptHead = stored.get(4).checksum();
            // when
            stored.set(2, withPayload(stored.get(2), "{\"amount\":3000}"));
            List<RecordedEvent> forged = rechain(HashChain.sha256(), stored);
            // then
            HashChain chain = HashChain.sha256();
            assertThat(chain.verify("account-1", forged.iterator(), 0, null).valid()).isTrue();
            IntegrityReport withReceipt = chain.verify("account-1", forged.iterator(), 5, keptHead);
            assertThat(withReceipt.valid()).isFalse();
            assertThat(withReceipt.violation().version()).isEqualTo(5);
            assertThat(withReceipt.violation().reason()).isEqualTo(Reason.CONTENT_CHANGED);
        }

        @Test
        void keys_shorter_than_32_bytes_are_refused() {
            assertThatThrownBy(() -> HashChain.hmacSha256(key(31, 1)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("31");
            assertThatThrownBy(() -> HashChain.hmacSha256(new byte[0])).isInstanceOf(ConfigurationException.class);
            assertThatThrownBy(() -> HashChain.hmacSha256(null)).isInstanceOf(NullPointerException.class);
            assertThat(HashChain.hmacSha256(key(32, 1)).isKeyed()).isTrue();
            assertThat(HashChain.sha256().isKeyed()).isFalse();
        }

        @Test
        void changing_the_key_array_after_building_does_not_change_the_chain() {
            // given
            byte[] key = key(32, 3);
            HashChain chain = HashChain.hmacSha256(key);
            String before = chain.link("", ID, "s", 1, AT, "T", 1, new byte[] {'{', '}'}, EventMetadata.empty());
            // when
            Arrays.fill(key, (byte) 0);
            // then
            assertThat(chain.link("", ID, "s", 1, AT, "T", 1, new byte[] {'{', '}'}, EventMetadata.empty()))
                .isEqualTo(before);
        }

        @Test
        void different_keys_give_different_checksums_for_the_same_content() {
            String one = HashChain.hmacSha256(key(32, 1)).link("", ID, "s", 1, AT, "T", 1, new byte[0],
                EventMetadata.empty());
            String two = HashChain.hmacSha256(key(32, 2)).link("", ID, "s", 1, AT, "T", 1, new byte[0],
                EventMetadata.empty());
            String plain = HashChain.sha256().link("", ID, "s", 1, AT, "T", 1, new byte[0], EventMetadata.empty());
            assertThat(Set.of(one, two, plain)).hasSize(3);
        }
    }

    @Nested
    class Links {

        private final HashChain chain = HashChain.sha256();
        private final EventMetadata metadata = new EventMetadata("c", "d", "p", "t", Map.of("k", "v"));

        private String link(String previous, UUID id, String stream, long version, Instant at, String type,
                            int schemaVersion, String payload, EventMetadata meta) {
            return chain.link(previous, id, stream, version, at, type, schemaVersion,
                payload.getBytes(StandardCharsets.UTF_8), meta);
        }

        /**
         * Checksums are stored beside every event and verified years later, so the encoding must never change:
         * these links were computed by the release that first stored them (field-by-field digest updates) and any
         * faster implementation must give the same bytes, plain and keyed, with and without metadata.
         */
        @Test
        void links_stay_byte_identical_to_the_ones_already_stored() {
            // given
            EventMetadata full = new EventMetadata("corr-1", "cause-\u00e9", "alice", "",
                Map.of("zeta", "1", "alpha", "\u00fcn\u00ef \uD83D\uDE80", "k", ""));
            byte[] payload = "{\"accountId\":\"acc-1\",\"amount\":12.50,\"note\":\"\u00e9\uD83D\uDE80\"}"
                .getBytes(StandardCharsets.UTF_8);
            HashChain keyed = HashChain.hmacSha256(key(32, 7));
            // when
            String plain1 = chain.link("", ID, "account-1 \uD83D\uDE80", 1, AT, "MoneyDeposited", 1, payload,
                EventMetadata.empty());
            String plain2 = chain.link(plain1, ID, "account-1 \uD83D\uDE80", 2, AT, "MoneyDeposited", 3, payload, full);
            String keyed1 = keyed.link("", ID, "account-1 \uD83D\uDE80", 1, AT, "MoneyDeposited", 1, payload,
                EventMetadata.empty());
            String keyed2 = keyed.link(keyed1, ID, "account-1 \uD83D\uDE80", 2, AT, "MoneyDeposited", 3, payload, full);
            // then
            assertThat(plain1).isEqualTo("2f6f32b93509a918c72e807dddcb249c8a1df9b9f2cda751ce0935a24f16defb");
            assertThat(plain2).isEqualTo("722ad8a0cfcba03fe6bc5ab5756cd7910fb4fb507555991a99625f5702a54e7f");
            assertThat(keyed1).isEqualTo("3d1dfbf7b8a989740375d761ca23dd05e1d1ca5a85ccceb2e70df3949210a447");
            assertThat(keyed2).isEqualTo("3d9ade927b546d874d63a169d3321e28e4d2af250c18ecd13012858405fd296a");
        }

        @Test
        void a_link_is_lowercase_hex_sha256_and_deterministic() {
            String first = link("", ID, "s", 1, AT, "T", 1, "{}", metadata);
            assertThat(first).matches("[0-9a-f]{64}");
            assertThat(link("", ID, "s", 1, AT, "T", 1, "{}", metadata)).isEqualTo(first);
        }

        @Test
        void every_covered_field_changes_the_link() {
            // given
            String base = link("", ID, "s", 1, AT, "T", 1, "{}", metadata);
            // when
            List<String> variants = List.of(
                link("00", ID, "s", 1, AT, "T", 1, "{}", metadata),
                link("", UUID.fromString("0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c"), "s", 1, AT, "T", 1, "{}", metadata),
                link("", ID, "S", 1, AT, "T", 1, "{}", metadata),
                link("", ID, "s", 2, AT, "T", 1, "{}", metadata),
                link("", ID, "s", 1, AT.plusNanos(1_000), "T", 1, "{}", metadata),
                link("", ID, "s", 1, AT, "U", 1, "{}", metadata),
                link("", ID, "s", 1, AT, "T", 2, "{}", metadata),
                link("", ID, "s", 1, AT, "T", 1, "{ }", metadata),
                link("", ID, "s", 1, AT, "T", 1, "{}", metadata.withCorrelationId("x")),
                link("", ID, "s", 1, AT, "T", 1, "{}", metadata.withCausationId("x")),
                link("", ID, "s", 1, AT, "T", 1, "{}", metadata.withPrincipal("x")),
                link("", ID, "s", 1, AT, "T", 1, "{}", metadata.withTenant("x")),
                link("", ID, "s", 1, AT, "T", 1, "{}", metadata.with("k", "w")),
                link("", ID, "s", 1, AT, "T", 1, "{}", metadata.with("k2", "v")),
                link("", ID, "s", 1, AT, "T", 1, "{}", metadata.withPrincipal(null)),
                link("", ID, "s", 1, AT, "T", 1, "{}", metadata.withPrincipal("")));
            // then
            Set<String> distinct = new HashSet<>(variants);
            distinct.add(base);
            assertThat(distinct).hasSize(variants.size() + 1);
        }

        @Test
        void field_boundaries_are_unambiguous() {
            // "ab"+"c" must not hash like "a"+"bc"
            EventMetadata left = EventMetadata.empty().with("ab", "c");
            EventMetadata right = EventMetadata.empty().with("a", "bc");
            assertThat(link("", ID, "s", 1, AT, "T", 1, "{}", left))
                .isNotEqualTo(link("", ID, "s", 1, AT, "T", 1, "{}", right));
            EventMetadata nullThenValue = new EventMetadata(null, "x", null, null, Map.of());
            EventMetadata valueThenNull = new EventMetadata("x", null, null, null, Map.of());
            assertThat(link("", ID, "s", 1, AT, "T", 1, "{}", nullThenValue))
                .isNotEqualTo(link("", ID, "s", 1, AT, "T", 1, "{}", valueThenNull));
        }

        @Test
        void sub_microsecond_differences_do_not_change_the_link_because_stores_keep_microseconds() {
            assertThat(link("", ID, "s", 1, AT.plusNanos(999), "T", 1, "{}", metadata))
                .isEqualTo(link("", ID, "s", 1, AT, "T", 1, "{}", metadata));
        }

        @Test
        void truncate_cuts_to_microseconds_without_rounding() {
            assertThat(HashChain.truncate(Instant.parse("2026-03-01T10:00:00.123456999Z")))
                .isEqualTo(Instant.parse("2026-03-01T10:00:00.123456Z"));
        }
    }

    @Nested
    class Verify {

        private final HashChain chain = HashChain.sha256();

        private List<RecordedEvent> chainOf(int n) {
            List<RecordedEvent> events = new ArrayList<>();
            String previous = "";
            for (int v = 1; v <= n; v++) {
                UUID id = new UUID(7, v);
                byte[] payload = ("{\"v\":" + v + "}").getBytes(StandardCharsets.UTF_8);
                String checksum = chain.link(previous, id, "s", v, AT, "T", 1, payload, EventMetadata.empty());
                events.add(new RecordedEvent(id, "s", v, LogPosition.of(v), AT, "T", 1, payload,
                    EventMetadata.empty(), checksum));
                previous = checksum;
            }
            return events;
        }

        @Test
        void an_intact_chain_reports_how_many_events_it_checked() {
            assertThat(chain.verify("s", chainOf(4).iterator(), 0, null)).isEqualTo(IntegrityReport.intact(4));
            assertThat(chain.verify("s", List.<RecordedEvent>of().iterator(), 0, null))
                .isEqualTo(IntegrityReport.intact(0));
        }

        @Test
        void a_repeated_version_is_reported_as_an_order_change() {
            // given
            List<RecordedEvent> events = new ArrayList<>(chainOf(3));
            events.add(2, events.get(1));
            // when
            IntegrityReport report = chain.verify("s", events.iterator(), 0, null);
            // then
            assertThat(report.violation().version()).isEqualTo(3);
            assertThat(report.violation().reason()).isEqualTo(Reason.ORDER_CHANGED);
        }

        @Test
        void an_event_moved_to_the_front_is_reported_as_an_order_change() {
            // given: version 4 now stands at version 1, the others shifted up one
            List<RecordedEvent> events = chainOf(4);
            List<RecordedEvent> moved = new ArrayList<>();
            int[] order = {3, 0, 1, 2};
            for (int i = 0; i < order.length; i++) {
                RecordedEvent e = events.get(order[i]);
                moved.add(new RecordedEvent(e.eventId(), e.streamId(), i + 1, e.position(), e.recordedAt(), e.type(),
                    e.schemaVersion(), e.payload(), e.metadata(), e.checksum()));
            }
            // when
            IntegrityReport report = chain.verify("s", moved.iterator(), 0, null);
            // then
            assertThat(report.violation().version()).isEqualTo(1);
            assertThat(report.violation().reason()).isEqualTo(Reason.ORDER_CHANGED);
        }

        @Test
        void a_kept_checksum_that_differs_is_reported_at_its_version() {
            IntegrityReport report = chain.verify("s", chainOf(4).iterator(), 2, "ab".repeat(32));
            assertThat(report.violation().version()).isEqualTo(2);
            assertThat(report.violation().reason()).isEqualTo(Reason.CONTENT_CHANGED);
            assertThat(report.eventsChecked()).isEqualTo(2);
        }

        @Test
        void a_kept_version_past_the_end_is_reported_as_a_truncated_tail() {
            IntegrityReport report = chain.verify("s", chainOf(4).iterator(), 9, "ab".repeat(32));
            assertThat(report.violation().version()).isEqualTo(5);
            assertThat(report.violation().reason()).isEqualTo(Reason.TAIL_TRUNCATED);
            assertThat(report.violation().message()).contains("9").contains("4");
        }
    }
}
