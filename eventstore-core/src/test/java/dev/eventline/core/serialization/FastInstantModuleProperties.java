package dev.eventline.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * {@link FastInstantModule} must read every instant exactly as the jsr310 deserializer does, and leave every other
 * input (and its error) to that deserializer.
 */
class FastInstantModuleProperties {

    record At(Instant at) {
    }

    record Formatted(@JsonFormat(shape = JsonFormat.Shape.STRING, pattern = "yyyy-MM-dd'T'HH:mm:ss'Z'",
        timezone = "UTC") Instant at) {
    }

    static final ObjectMapper STANDARD = JsonMapper.builder().addModule(new JavaTimeModule()).build();
    static final ObjectMapper FAST = JsonMapper.builder().addModule(new JavaTimeModule())
        .addModule(new FastInstantModule()).build();
    static final ObjectMapper FAST_FIRST = JsonMapper.builder().addModule(new FastInstantModule())
        .addModule(new JavaTimeModule()).build();

    /** Instants from year 0 to 9999, to the nanosecond. */
    static final long MIN_SECOND = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    static final long MAX_SECOND = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    @Property(tries = 500)
    void reads_every_canonical_instant_as_instant_parse_does(@ForAll("seconds") long second,
                                                             @ForAll @IntRange(min = 0, max = 999_999_999) int nano,
                                                             @ForAll @IntRange(min = 0, max = 9) int digits) {
        // given: the instant cut to 0..9 fraction digits, written with exactly that many digits
        int cut = nano - nano % pow10(9 - digits);
        String text = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(second)).replace("Z", "")
            + (digits == 0 ? "" : "." + String.format("%09d", cut).substring(0, digits)) + "Z";
        // when
        Instant fast = FastInstantModule.parseCanonical(text.toCharArray(), 0, text.length());
        // then
        assertThat(fast).isEqualTo(Instant.parse(text)).isEqualTo(Instant.ofEpochSecond(second, cut));
        assertThat(read(FAST, text)).isEqualTo(read(STANDARD, text));
        assertThat(read(FAST_FIRST, text)).isEqualTo(read(STANDARD, text));
    }

    @Property(tries = 300)
    void reads_what_instant_to_string_writes(@ForAll("seconds") long second,
                                             @ForAll @IntRange(min = 0, max = 999_999_999) int nano) {
        // given
        Instant instant = Instant.ofEpochSecond(second, nano);
        // when
        Instant fast = FastInstantModule.parseCanonical(instant.toString().toCharArray(), 0,
            instant.toString().length());
        // then
        assertThat(fast).isEqualTo(instant);
    }

    @Property(tries = 800)
    void any_other_text_gets_the_standard_result_or_the_standard_error(@ForAll("nearlyCanonical") String text) {
        // when
        Object standard = outcome(STANDARD, text);
        Object fast = outcome(FAST, text);
        // then
        assertThat(fast).isEqualTo(standard);
    }

    @Example
    void hands_non_canonical_forms_to_the_standard_deserializer() {
        // given: forms the jsr310 deserializer accepts and the fast path does not take
        String[] texts = {"2026-11-26T08:00:42+01:00", "2026-11-26t07:00:42z", " 2026-11-26T07:00:42Z ",
            "2026-11-26T24:00:00Z", "2016-12-31T23:59:60Z", "+12026-11-26T07:00:42Z", "2026-11-26T07:00:42.Z"};
        for (String text : texts) {
            // when / then
            assertThat(FastInstantModule.parseCanonical(text.toCharArray(), 0, text.length())).as(text).isNull();
            assertThat(outcome(FAST, text)).as(text).isEqualTo(outcome(STANDARD, text));
        }
        assertThat(read(FAST, "2026-11-26T08:00:42+01:00")).isEqualTo(Instant.parse("2026-11-26T07:00:42Z"));
    }

    @Example
    void refuses_invalid_dates_with_the_standard_error() {
        // given
        String[] texts = {"2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
            "2026-00-10T00:00:00Z", "2026-01-01T00:60:00Z", "2026-01-01T00:00:00.1234567890Z", "not an instant"};
        for (String text : texts) {
            // when
            Object fast = outcome(FAST, text);
            // then
            assertThat(fast).as(text).isInstanceOf(Class.class).isEqualTo(outcome(STANDARD, text));
        }
        assertThat(read(FAST, "2024-02-29T00:00:00Z")).isEqualTo(Instant.parse("2024-02-29T00:00:00Z"));
    }

    @Example
    void keeps_numbers_nulls_and_property_formats_to_the_standard_deserializer() throws Exception {
        // when
        At number = FAST.readValue("{\"at\":1700000000.5}", At.class);
        At absent = FAST.readValue("{\"at\":null}", At.class);
        Formatted formatted = FAST.readValue("{\"at\":\"2026-11-26T07:00:42Z\"}", Formatted.class);
        Throwable fraction = catchThrowable(() -> FAST.readValue("{\"at\":\"2026-11-26T07:00:42.5Z\"}",
            Formatted.class));
        // then
        assertThat(number.at()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 500_000_000));
        assertThat(absent.at()).isNull();
        assertThat(formatted.at()).isEqualTo(Instant.parse("2026-11-26T07:00:42Z"));
        // the pattern has no fraction: the standard deserializer refuses it, and so must the fast one
        assertThat(fraction).isNotNull();
        assertThat(catchThrowable(() -> STANDARD.readValue("{\"at\":\"2026-11-26T07:00:42.5Z\"}", Formatted.class)))
            .isNotNull();
    }

    @Example
    void does_nothing_without_the_java_time_module() {
        // given
        ObjectMapper withoutJavaTime = JsonMapper.builder().addModule(new FastInstantModule()).build();
        // when
        Throwable thrown = catchThrowable(() -> withoutJavaTime.readValue("{\"at\":\"2026-11-26T07:00:42Z\"}",
            At.class));
        // then
        assertThat(thrown).isNotNull().hasMessageContaining("Java 8 date/time type");
    }

    @Example
    void the_default_mapper_reads_instants_through_it() throws Exception {
        // given
        ObjectMapper mapper = EventSerializer.defaultObjectMapper();
        // when
        At at = mapper.readValue("{\"at\":\"2026-11-26T07:00:42.123456Z\"}", At.class);
        // then
        assertThat(at.at()).isEqualTo(Instant.parse("2026-11-26T07:00:42.123456Z"));
        assertThat(mapper.getRegisteredModuleIds()).contains("eventline-fast-instant");
    }

    @Provide
    Arbitrary<Long> seconds() {
        return Arbitraries.longs().between(MIN_SECOND, MAX_SECOND);
    }

    /** Canonical-looking text with one character replaced, dropped or added. */
    @Provide
    Arbitrary<String> nearlyCanonical() {
        Arbitrary<String> canonical = Arbitraries.longs().between(MIN_SECOND, MAX_SECOND)
            .map(second -> Instant.ofEpochSecond(second, second % 7 == 0 ? 0 : second * 7919 % 1_000_000_000)
                .toString());
        Arbitrary<Character> any = Arbitraries.of('0', '1', '2', '3', '5', '9', '-', ':', '.', 'T', 'Z', 'z', '+',
            ' ', 'x', '/');
        return canonical.flatMap(text -> Arbitraries.integers().between(0, text.length() - 1).flatMap(at ->
            any.flatMap(c -> Arbitraries.of(
                text.substring(0, at) + c + text.substring(at + 1),
                text.substring(0, at) + text.substring(at + 1),
                text.substring(0, at) + c + text.substring(at)))));
    }

    private static int pow10(int exponent) {
        int value = 1;
        for (int i = 0; i < exponent; i++) {
            value *= 10;
        }
        return value;
    }

    private static Instant read(ObjectMapper mapper, String text) {
        try {
            return mapper.readValue("{\"at\":\"" + text + "\"}", At.class).at();
        } catch (Exception e) {
            throw new AssertionError("cannot read " + text, e);
        }
    }

    /** The instant read, or the class of the exception the read threw. */
    private static Object outcome(ObjectMapper mapper, String text) {
        try {
            return mapper.readValue("{\"at\":\"" + text + "\"}", At.class).at();
        } catch (Exception e) {
            return e.getClass();
        }
    }

    @Property(tries = 200)
    void reads_at_any_offset_of_a_larger_buffer(@ForAll @LongRange(min = 0, max = 4_102_444_800L) long second,
                                                @ForAll @IntRange(min = 0, max = 40) int padding) {
        // given
        String text = Instant.ofEpochSecond(second).toString();
        char[] buffer = ("x".repeat(padding) + text + "y".repeat(padding)).toCharArray();
        // when
        Instant fast = FastInstantModule.parseCanonical(buffer, padding, text.length());
        // then
        assertThat(fast).isEqualTo(Instant.ofEpochSecond(second));
    }
}
