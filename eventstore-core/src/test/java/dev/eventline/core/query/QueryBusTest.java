package dev.eventline.core.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eventline.core.ConfigurationException;
import dev.eventline.core.LogPosition;
import dev.eventline.core.NoHandlerException;
import dev.eventline.core.UnauthorizedException;
import dev.eventline.core.UnknownMessageTypeException;
import dev.eventline.core.ValidationException;
import dev.eventline.core.Violation;
import dev.eventline.core.command.AuthorizationMiddleware;
import dev.eventline.core.command.AuthorizationPolicy;
import dev.eventline.core.command.MutableClock;
import dev.eventline.core.command.ValidationMiddleware;
import dev.eventline.core.metrics.BusMetrics;
import dev.eventline.core.metrics.Outcome;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class QueryBusTest {

    record GetBalance(String accountId) {
    }

    record ListAccounts(int limit) {
    }

    record Unhandled() {
    }

    /** A read model as a projection would keep it: rows plus a checkpoint. */
    private final Map<String, BigDecimal> balances = new ConcurrentHashMap<>();
    private final AtomicReference<LogPosition> checkpoint = new AtomicReference<>(LogPosition.START);
    private final AtomicInteger handlerRuns = new AtomicInteger();
    private final MutableClock clock = new MutableClock();
    private final List<String> metricEvents = Collections.synchronizedList(new ArrayList<>());

    private void project(String accountId, String balance, long position) {
        balances.put(accountId, new BigDecimal(balance));
        checkpoint.set(LogPosition.of(position));
    }

    private QueryHandler<GetBalance, BigDecimal> balanceHandler() {
        return (query, context) -> {
            handlerRuns.incrementAndGet();
            return balances.getOrDefault(query.accountId(), BigDecimal.ZERO);
        };
    }

    private QueryBus.Builder builder() {
        return QueryBus.builder()
            .handle("GetBalance", GetBalance.class, "account_balance", balanceHandler())
            .handle("ListAccounts", ListAccounts.class, (ListAccounts query, QueryContext context) -> {
                handlerRuns.incrementAndGet();
                return List.copyOf(balances.keySet());
            })
            .readModelProgress(readModel -> {
                assertThat(readModel).isEqualTo("account_balance");
                return checkpoint.get();
            })
            .clock(clock)
            .metrics(new RecordingMetrics(metricEvents));
    }

    @Nested
    class Dispatch {

        @Test
        void ask_returns_the_handlers_answer_typed_by_the_caller() {
            project("a-1", "10.00", 1);
            BigDecimal balance = builder().build().ask(new GetBalance("a-1"));
            assertThat(balance).isEqualByComparingTo("10.00");
        }

        @Test
        void the_handler_sees_the_type_name_read_model_and_options() {
            var seen = new AtomicReference<QueryContext>();
            var bus = QueryBus.builder()
                .handle("GetBalance", GetBalance.class, "account_balance", (GetBalance query, QueryContext context) -> {
                    seen.set(context);
                    return BigDecimal.ONE;
                })
                .build();
            bus.ask(new GetBalance("a-1"), QueryOptions.defaults().withPrincipal("ada").withCorrelationId("r-1"));
            assertThat(seen.get().queryType()).isEqualTo("GetBalance");
            assertThat(seen.get().readModel()).isEqualTo("account_balance");
            assertThat(seen.get().principal()).isEqualTo("ada");
            assertThat(seen.get().correlationId()).isEqualTo("r-1");
        }

        @Test
        void a_query_without_handler_is_a_typed_error() {
            assertThatThrownBy(() -> builder().build().ask(new Unhandled()))
                .isInstanceOf(NoHandlerException.class).hasMessageContaining("QueryBus.builder().handle(");
        }

        @Test
        void an_envelope_is_decoded_into_the_registered_record() {
            project("a-1", "7", 1);
            var answer = builder().build().ask(QueryEnvelope.of("GetBalance", "{\"accountId\":\"a-1\"}",
                QueryOptions.defaults()));
            assertThat(answer).isEqualTo(new BigDecimal("7"));
        }

        @Test
        void envelope_errors_are_typed_unknown_type_or_validation_naming_the_field() {
            var bus = builder().build();
            assertThat(catchThrowable(() -> bus.ask(QueryEnvelope.of("GetSecrets", "{}", QueryOptions.defaults()))))
                .isInstanceOfSatisfying(UnknownMessageTypeException.class,
                    e -> assertThat(e.knownTypes()).containsExactly("GetBalance", "ListAccounts"));
            assertThat(catchThrowable(() -> bus.ask(QueryEnvelope.of("ListAccounts", "{\"limit\":\"ten\"}",
                QueryOptions.defaults()))))
                .isInstanceOfSatisfying(ValidationException.class, e ->
                    assertThat(e.violations()).extracting(Violation::field).containsExactly("limit"));
            assertThat(handlerRuns).hasValue(0);
        }

        @Test
        void ask_async_answers_on_the_executor() throws Exception {
            project("a-1", "3", 1);
            try (var bus = builder().build()) {
                BigDecimal answer = bus.<BigDecimal>askAsync(new GetBalance("a-1"), QueryOptions.defaults())
                    .get(5, TimeUnit.SECONDS);
                assertThat(answer).isEqualByComparingTo("3");
                assertThatThrownBy(() -> bus.askAsync(new Unhandled(), QueryOptions.defaults()).get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NoHandlerException.class);
            }
        }

        @Test
        void middleware_runs_in_order_and_denies_queries_without_a_rule() {
            var trace = new ArrayList<String>();
            var bus = builder()
                .middleware((query, context, next) -> {
                    trace.add("outer");
                    return next.proceed(query, context);
                })
                .middleware(AuthorizationMiddleware.builder()
                        .allow(GetBalance.class, AuthorizationPolicy.authenticated()).build(),
                    ValidationMiddleware.builder()
                        .validate(GetBalance.class, query -> query.accountId().isBlank()
                            ? List.of(new Violation("accountId", "must not be blank")) : List.of())
                        .build(),
                    (query, context, next) -> {
                        trace.add("inner");
                        return next.proceed(query, context);
                    })
                .build();
            var ada = QueryOptions.defaults().withPrincipal("ada");

            assertThat(catchThrowable(() -> bus.ask(new ListAccounts(5), ada)))
                .isInstanceOf(UnauthorizedException.class);
            assertThat(catchThrowable(() -> bus.ask(new GetBalance("a-1"))))
                .isInstanceOf(UnauthorizedException.class);
            assertThat(catchThrowable(() -> bus.ask(new GetBalance(" "), ada)))
                .isInstanceOf(ValidationException.class);
            assertThat((BigDecimal) bus.ask(new GetBalance("a-1"), ada)).isEqualByComparingTo("0");
            assertThat(trace).containsExactly("outer", "outer", "outer", "outer", "inner");
            assertThat(handlerRuns).hasValue(1);
        }
    }

    @Nested
    class Cache {

        @Test
        void a_repeated_query_is_answered_from_the_cache() {
            // given
            project("a-1", "10", 1);
            var bus = builder().build();
            // when
            BigDecimal first = bus.ask(new GetBalance("a-1"));
            BigDecimal second = bus.ask(new GetBalance("a-1"));
            // then
            assertThat(second).isEqualTo(first);
            assertThat(handlerRuns).hasValue(1);
            assertThat(metricEvents).containsExactly("GetBalance:miss", "GetBalance:hit");
        }

        @Test
        void an_entry_expires_after_the_ttl() {
            // given
            project("a-1", "10", 1);
            var bus = builder().cacheTtl(Duration.ofSeconds(30)).build();
            bus.ask(new GetBalance("a-1"));
            // when
            clock.advance(Duration.ofSeconds(29));
            bus.ask(new GetBalance("a-1"));
            clock.advance(Duration.ofSeconds(1));
            bus.ask(new GetBalance("a-1"));
            // then
            assertThat(handlerRuns).hasValue(2);
            assertThat(metricEvents).containsExactly("GetBalance:miss", "GetBalance:hit", "GetBalance:miss");
        }

        @Test
        void the_default_ttl_is_sixty_seconds() {
            project("a-1", "10", 1);
            var bus = builder().build();
            bus.ask(new GetBalance("a-1"));
            clock.advance(Duration.ofSeconds(59));
            bus.ask(new GetBalance("a-1"));
            assertThat(handlerRuns).hasValue(1);
            clock.advance(Duration.ofSeconds(1));
            bus.ask(new GetBalance("a-1"));
            assertThat(handlerRuns).hasValue(2);
        }

        @Test
        void an_entry_is_stale_as_soon_as_its_read_model_advances() {
            // given
            project("a-1", "10", 1);
            var bus = builder().build();
            assertThat((BigDecimal) bus.ask(new GetBalance("a-1"))).isEqualByComparingTo("10");
            // when: a write reaches the read model
            project("a-1", "25", 2);
            BigDecimal after = bus.ask(new GetBalance("a-1"));
            // then
            assertThat(after).isEqualByComparingTo("25");
            assertThat(handlerRuns).hasValue(2);
        }

        @Test
        void tenants_and_principals_never_share_an_entry_and_different_queries_are_different_entries() {
            project("a-1", "10", 1);
            var bus = builder().build();
            bus.ask(new GetBalance("a-1"), QueryOptions.defaults().withTenant("t1"));
            bus.ask(new GetBalance("a-1"), QueryOptions.defaults().withTenant("t2"));
            bus.ask(new GetBalance("a-1"), QueryOptions.defaults().withTenant("t1").withPrincipal("ada"));
            bus.ask(new GetBalance("a-2"), QueryOptions.defaults().withTenant("t1"));
            bus.ask(new GetBalance("a-1"), QueryOptions.defaults().withTenant("t1"));
            assertThat(handlerRuns).hasValue(4);
        }

        @Test
        void handlers_without_a_read_model_are_never_cached() {
            var bus = builder().build();
            bus.ask(new ListAccounts(5));
            bus.ask(new ListAccounts(5));
            assertThat(handlerRuns).hasValue(2);
        }

        @Test
        void without_read_model_progress_or_with_a_zero_ttl_nothing_is_cached() {
            var noProgress = QueryBus.builder().handle(GetBalance.class, "account_balance", balanceHandler()).build();
            noProgress.ask(new GetBalance("a-1"));
            noProgress.ask(new GetBalance("a-1"));
            var zeroTtl = builder().cacheTtl(Duration.ZERO).build();
            zeroTtl.ask(new GetBalance("a-1"));
            zeroTtl.ask(new GetBalance("a-1"));
            assertThat(handlerRuns).hasValue(4);
        }

        @Test
        void without_cache_bypasses_the_lookup_but_refreshes_the_entry() {
            project("a-1", "10", 1);
            var bus = builder().build();
            bus.ask(new GetBalance("a-1"));
            balances.put("a-1", new BigDecimal("11"));
            BigDecimal fresh = bus.ask(new GetBalance("a-1"), QueryOptions.defaults().withoutCache());
            BigDecimal cached = bus.ask(new GetBalance("a-1"));
            assertThat(fresh).isEqualByComparingTo("11");
            assertThat(cached).isEqualByComparingTo("11");
            assertThat(handlerRuns).hasValue(2);
        }
    }

    @Nested
    class ReadYourWrites {

        @Test
        void a_query_waits_until_its_read_model_reaches_the_position() throws Exception {
            // given: the write at position 5 reaches the read model a little later, on another thread
            project("a-1", "10", 4);
            var bus = builder().build();
            bus.ask(new GetBalance("a-1"));
            var projector = new Thread(() -> {
                sleep(100);
                project("a-1", "35", 5);
            });
            projector.start();
            // when
            BigDecimal balance = bus.ask(new GetBalance("a-1"),
                QueryOptions.consistentWith(LogPosition.of(5), Duration.ofSeconds(10)));
            // then
            projector.join();
            assertThat(balance).isEqualByComparingTo("35");
        }

        @Test
        void a_hosts_notifier_is_used_to_wait_instead_of_polling() {
            // given: a progress whose awaitPosition is signalled by the projector
            project("a-1", "10", 4);
            var waits = new ArrayList<String>();
            var progress = new ReadModelProgress() {
                @Override
                public LogPosition position(String readModel) {
                    return checkpoint.get();
                }

                @Override
                public boolean awaitPosition(String readModel, LogPosition position, Duration timeout) {
                    waits.add(readModel + "@" + position + " within " + timeout);
                    project("a-1", "40", 5);
                    return true;
                }
            };
            var bus = QueryBus.builder().handle(GetBalance.class, "account_balance", balanceHandler())
                .readModelProgress(progress).build();
            // when
            BigDecimal balance = bus.ask(new GetBalance("a-1"),
                QueryOptions.consistentWith(LogPosition.of(5), Duration.ofSeconds(3)));
            // then
            assertThat(waits).containsExactly("account_balance@5 within PT3S");
            assertThat(balance).isEqualByComparingTo("40");
        }

        @Test
        void a_read_model_already_past_the_position_answers_at_once_from_the_cache() {
            project("a-1", "10", 9);
            var bus = builder().build();
            bus.ask(new GetBalance("a-1"));
            BigDecimal balance = bus.ask(new GetBalance("a-1"),
                QueryOptions.consistentWith(LogPosition.of(3), Duration.ZERO));
            assertThat(balance).isEqualByComparingTo("10");
            assertThat(handlerRuns).hasValue(1);
        }

        @Test
        void a_read_model_that_stays_behind_times_out_with_a_retryable_typed_error() {
            // given
            project("a-1", "10", 4);
            var bus = builder().build();
            // when
            var thrown = catchThrowable(() -> bus.ask(new GetBalance("a-1"),
                QueryOptions.consistentWith(LogPosition.of(5), Duration.ofMillis(150))));
            // then
            assertThat(thrown).isInstanceOfSatisfying(ReadModelBehindException.class, e -> {
                assertThat(e.readModel()).isEqualTo("account_balance");
                assertThat(e.required()).isEqualTo(LogPosition.of(5));
                assertThat(e.reached()).isEqualTo(LogPosition.of(4));
                assertThat(e.timeout()).isEqualTo(Duration.ofMillis(150));
                assertThat(e.isRetryable()).isTrue();
            }).hasMessageContaining("check that the projection feeding 'account_balance' is running");
            assertThat(handlerRuns).hasValue(0);
        }

        @Test
        void an_interrupted_wait_ends_with_the_typed_error_and_keeps_the_interrupt() {
            var bus = builder().build();
            Thread.currentThread().interrupt();
            try {
                var thrown = catchThrowable(() -> bus.ask(new GetBalance("a-1"),
                    QueryOptions.consistentWith(LogPosition.of(5), Duration.ofSeconds(10))));
                assertThat(thrown).isInstanceOf(ReadModelBehindException.class).hasMessageContaining("interrupted");
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
        }

        @Test
        void consistency_needs_a_declared_read_model_and_read_model_progress() {
            var options = QueryOptions.consistentWith(LogPosition.of(1), Duration.ofSeconds(1));
            assertThatThrownBy(() -> builder().build().ask(new ListAccounts(1), options))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("declares no read model");
            var noProgress = QueryBus.builder().handle(GetBalance.class, "account_balance", balanceHandler()).build();
            assertThatThrownBy(() -> noProgress.ask(new GetBalance("a-1"), options))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("readModelProgress");
        }
    }

    @Test
    void build_rejects_duplicate_registrations_and_blank_read_models() {
        var builder = QueryBus.builder()
            .handle(GetBalance.class, "rm", balanceHandler())
            .handle(GetBalance.class, balanceHandler())
            .handle(ListAccounts.class, " ", (ListAccounts q, QueryContext c) -> 1);
        assertThatThrownBy(builder::build).isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("has two handlers").hasMessageContaining("blank read model");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records cache hits and misses as "type:hit" and "type:miss". */
    record RecordingMetrics(List<String> events) implements BusMetrics {
        @Override
        public void commandCompleted(String commandType, Duration latency, Outcome outcome) {
            events.add(commandType + ":" + outcome.tag());
        }

        @Override
        public void queryCompleted(String queryType, Duration latency, Outcome outcome) {
            events.add(queryType + ":" + outcome.tag());
        }

        @Override
        public void cacheHit(String queryType) {
            events.add(queryType + ":hit");
        }

        @Override
        public void cacheMiss(String queryType) {
            events.add(queryType + ":miss");
        }
    }
}
