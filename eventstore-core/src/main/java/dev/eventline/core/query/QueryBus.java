package dev.eventline.core.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventline.core.ConfigurationException;
import dev.eventline.core.LogPosition;
import dev.eventline.core.NoHandlerException;
import dev.eventline.core.UnknownMessageTypeException;
import dev.eventline.core.command.internal.DaemonThreads;
import dev.eventline.core.command.internal.MessageJson;
import dev.eventline.core.command.internal.MessageRegistry;
import dev.eventline.core.metrics.BusMetrics;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Dispatches queries to the handler registered for their type, through an ordered chain of middleware, with a
 * cache that is never staler than the read model behind it and an optional wait for read-your-writes.
 * <p>
 * Each handler names the read model it reads. With a {@link ReadModelProgress} given to the builder, answers of
 * such handlers are cached for {@value #DEFAULT_CACHE_TTL_SECONDS} s by default, keyed by the query (a record,
 * compared by {@code equals}), its tenant and its principal; an entry remembers the read model's position and is
 * a miss as soon as the read model has moved past it. A query asked with
 * {@link QueryOptions#consistentWith(LogPosition, Duration)} is answered only once its read model has reached the
 * position (through {@link ReadModelProgress#awaitPosition}: polling with backoff, or the host's notifier), or
 * fails with {@link ReadModelBehindException}.
 * Cached answers are shared between callers: return immutable values from handlers.
 * <p>
 * Thread-safety: immutable after {@link Builder#build()} (the cache is internally synchronized) and safe for
 * concurrent use. {@link #close()} stops the async threads the bus created, if any; it is idempotent.
 * <pre>{@code
 * var queries = QueryBus.builder()
 *     .handle(GetBalance.class, "account_balance", (query, context) -> balances.find(query.accountId()))
 *     .readModelProgress(runner::checkpoint)
 *     .build();
 * Balance balance = queries.ask(new GetBalance("a-1"));
 * }</pre>
 *
 * @since 0.1
 */
public final class QueryBus implements AutoCloseable {

    /** Default cache time-to-live, in seconds: the brief's one minute; read model advances invalidate sooner. */
    public static final long DEFAULT_CACHE_TTL_SECONDS = 60;
    /** Default most cached answers: bounds memory; least recently used answers go first. */
    public static final int DEFAULT_CACHE_MAX_ENTRIES = 10_000;
    /** Default threads of the async pool: queries are short reads, so a few suffice. */
    public static final int DEFAULT_ASYNC_THREADS = 4;

    /** A query handler and the read model it reads. */
    private record Route(QueryHandler<Object, Object> handler, String readModel) {
    }

    private final MessageRegistry<Route> registry;
    private final QueryMiddleware.Next chain;
    private final MessageJson json;
    private final ReadModelProgress progress;
    private final Duration cacheTtl;
    private final QueryCache cache;
    private final InstantSource clock;
    private final BusMetrics metrics;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    private final AtomicBoolean closed = new AtomicBoolean();

    private QueryBus(Builder builder) {
        this.registry = new MessageRegistry<>("query", builder.byClass, builder.byName);
        this.json = builder.json;
        this.progress = builder.progress;
        this.cacheTtl = builder.cacheTtl;
        this.cache = new QueryCache(builder.cacheMaxEntries);
        this.clock = builder.clock;
        this.metrics = builder.metrics;
        if (builder.executor != null) {
            this.executor = builder.executor;
            this.ownedExecutor = null;
        } else {
            this.ownedExecutor = DaemonThreads.pool("eventline-query-", DEFAULT_ASYNC_THREADS);
            this.executor = ownedExecutor;
        }
        QueryMiddleware.Next next = this::answer;
        for (int i = builder.middleware.size() - 1; i >= 0; i--) {
            var step = builder.middleware.get(i);
            var rest = next;
            next = (query, context) -> step.handle(query, context, rest);
        }
        this.chain = next;
    }

    /** @return a builder for a bus with no handlers, no middleware and the default cache settings */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Answers a query with the default options (no principal, cache allowed, no consistency requirement).
     *
     * @param query the query record
     * @param <R> the answer type the caller expects (the handler's answer type)
     * @return the answer
     * @throws NoHandlerException when no handler is registered for the query's type
     */
    public <R> R ask(Object query) {
        return ask(query, QueryOptions.defaults());
    }

    /**
     * Answers a query through the middleware, on the calling thread.
     *
     * @param query the query record
     * @param options principal, tenant, correlation id, consistency and cache settings
     * @param <R> the answer type the caller expects (the handler's answer type)
     * @return the answer
     * @throws NoHandlerException when no handler is registered for the query's type
     * @throws ReadModelBehindException when the read model did not reach {@code options.consistentWith()} in time
     * @throws ConfigurationException when consistency is asked of a handler without a read model, or of a bus
     *     without {@link ReadModelProgress}
     */
    @SuppressWarnings("unchecked")
    public <R> R ask(Object query, QueryOptions options) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(options, "options");
        var route = registry.forClass(query.getClass()).handler();
        var correlationId = options.correlationId() != null ? options.correlationId() : UUID.randomUUID().toString();
        var context = new QueryContext(registry.nameOf(query.getClass()), route.readModel(), correlationId, options);
        return (R) chain.proceed(query, context);
    }

    /**
     * Decodes an envelope into its registered record type and answers it.
     *
     * @param envelope the type name, JSON body and options
     * @return the answer
     * @throws UnknownMessageTypeException when no query type is registered under the envelope's type name
     * @throws dev.eventline.core.ValidationException when the JSON does not fit the type (naming the fields)
     */
    public Object ask(QueryEnvelope envelope) {
        Objects.requireNonNull(envelope, "envelope");
        return ask(decode(envelope), envelope.options());
    }

    /**
     * @param envelope a query envelope
     * @return the query record it decodes to, without answering it
     * @throws UnknownMessageTypeException when no query type is registered under the envelope's type name
     * @throws dev.eventline.core.ValidationException when the JSON does not fit the type (naming the fields)
     */
    public Object decode(QueryEnvelope envelope) {
        Objects.requireNonNull(envelope, "envelope");
        return json.decode(envelope.type(), envelope.data(), registry.forName(envelope.type()));
    }

    /**
     * Answers a query on the bus's executor (useful with a consistency wait, which would otherwise block).
     *
     * @param query the query record
     * @param options how to answer it
     * @param <R> the answer type
     * @return the answer, or the failure {@link #ask(Object, QueryOptions)} would have thrown
     */
    public <R> CompletableFuture<R> askAsync(Object query, QueryOptions options) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(options, "options");
        checkOpen();
        return CompletableFuture.supplyAsync(() -> ask(query, options), executor);
    }

    /**
     * @param query the query record
     * @param <R> the answer type
     * @return the answer, or the failure {@link #ask(Object)} would have thrown
     */
    public <R> CompletableFuture<R> askAsync(Object query) {
        return askAsync(query, QueryOptions.defaults());
    }

    /**
     * @param envelope the type name, JSON body and options
     * @return the answer, or the failure {@link #ask(QueryEnvelope)} would have thrown
     */
    public CompletableFuture<Object> askAsync(QueryEnvelope envelope) {
        Objects.requireNonNull(envelope, "envelope");
        checkOpen();
        return CompletableFuture.supplyAsync(() -> ask(envelope), executor);
    }

    /** @return the registered envelope type names */
    public Set<String> typeNames() {
        return registry.names();
    }

    /** Stops the bus's own async threads, if it created them. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && ownedExecutor != null) {
            ownedExecutor.shutdown();
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("QueryBus is closed: askAsync is refused. Ask before closing the bus, "
                + "or use ask() on the calling thread.");
        }
    }

    private Object answer(Object query, QueryContext context) {
        var route = registry.forClass(query.getClass()).handler();
        var options = context.options();
        var readModel = route.readModel();
        if (options.consistentWith() != null) {
            awaitReadModel(context, readModel, options.consistentWith(), options.consistencyTimeout());
        }
        if (readModel == null || progress == null || cacheTtl.isZero()) {
            return route.handler().handle(query, context);
        }
        var key = new QueryCache.Key(query.getClass(), query, context.tenant(), context.principal());
        var position = positionOf(readModel);
        if (options.useCache()) {
            var entry = cache.get(key);
            if (entry != null && clock.instant().isBefore(entry.expiresAt()) && !position.isAfter(entry.position())) {
                metrics.cacheHit(context.queryType());
                return entry.value();
            }
            metrics.cacheMiss(context.queryType());
        }
        // The position was read before the handler runs, so the entry can only under-state what it saw.
        var answer = route.handler().handle(query, context);
        cache.put(key, new QueryCache.Answer(answer, position, clock.instant().plus(cacheTtl)));
        return answer;
    }

    private void awaitReadModel(QueryContext context, String readModel, LogPosition required, Duration timeout) {
        if (readModel == null) {
            throw new ConfigurationException("Query '" + context.queryType() + "' asked to be consistent with log "
                + "position " + required + " but its handler declares no read model, so the bus cannot tell when it "
                + "is up to date. Register it with .handle(" + context.queryType() + ".class, \"read_model\", "
                + "handler).");
        }
        if (progress == null) {
            throw new ConfigurationException("Query '" + context.queryType() + "' asked to be consistent with log "
                + "position " + required + " but the QueryBus has no ReadModelProgress. Pass one with "
                + "QueryBus.builder().readModelProgress(...).");
        }
        if (positionOf(readModel).compareTo(required) >= 0) {
            return;
        }
        boolean reached;
        try {
            reached = progress.awaitPosition(readModel, required, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReadModelBehindException(readModel, required, positionOf(readModel), timeout, e);
        }
        if (!reached) {
            throw new ReadModelBehindException(readModel, required, positionOf(readModel), timeout, null);
        }
    }

    private LogPosition positionOf(String readModel) {
        var position = progress.position(readModel);
        if (position == null) {
            throw new IllegalStateException("ReadModelProgress returned null for read model '" + readModel + "'. "
                + "Return LogPosition.START when it has processed nothing yet.");
        }
        return position;
    }

    @Override
    public String toString() {
        return "QueryBus[types=" + registry.names() + ", cacheTtl=" + cacheTtl + "]";
    }

    /**
     * Collects handlers, middleware, cache settings, the read model progress and the executor; {@link #build()}
     * validates them.
     * <p>
     * Thread-safety: not thread-safe; configure on one thread, then share the built bus.
     *
     * @since 0.1
     */
    public static final class Builder {

        private final Map<Class<?>, MessageRegistry.Registration<Route>> byClass = new LinkedHashMap<>();
        private final Map<String, Class<?>> byName = new LinkedHashMap<>();
        private final List<QueryMiddleware> middleware = new ArrayList<>();
        private final List<String> problems = new ArrayList<>();
        private MessageJson json = MessageJson.defaults();
        private ReadModelProgress progress;
        private Duration cacheTtl = Duration.ofSeconds(DEFAULT_CACHE_TTL_SECONDS);
        private int cacheMaxEntries = DEFAULT_CACHE_MAX_ENTRIES;
        private InstantSource clock = InstantSource.system();
        private BusMetrics metrics = BusMetrics.noop();
        private Executor executor;

        private Builder() {
        }

        /**
         * Registers a handler that reads no declared read model: never cached, cannot be asked for consistency.
         *
         * @param type the query type
         * @param handler its handler
         * @param <Q> the query type
         * @param <R> the answer type
         * @return this builder
         */
        public <Q, R> Builder handle(Class<Q> type, QueryHandler<? super Q, ? extends R> handler) {
            return register(null, type, null, handler);
        }

        /**
         * Registers a handler that reads the named read model: cached, and able to wait for a log position.
         *
         * @param type the query type
         * @param readModel the read model it reads, as {@link ReadModelProgress} names it
         * @param handler its handler
         * @param <Q> the query type
         * @param <R> the answer type
         * @return this builder
         */
        public <Q, R> Builder handle(Class<Q> type, String readModel, QueryHandler<? super Q, ? extends R> handler) {
            Objects.requireNonNull(readModel, "readModel");
            return register(null, type, readModel, handler);
        }

        /**
         * Registers, under an envelope type name, a handler that reads no declared read model.
         *
         * @param typeName the name envelopes use, e.g. {@code "GetBalance"}
         * @param type the query type
         * @param handler its handler
         * @param <Q> the query type
         * @param <R> the answer type
         * @return this builder
         */
        public <Q, R> Builder handle(String typeName, Class<Q> type, QueryHandler<? super Q, ? extends R> handler) {
            Objects.requireNonNull(typeName, "typeName");
            return register(typeName, type, null, handler);
        }

        /**
         * Registers, under an envelope type name, a handler that reads the named read model.
         *
         * @param typeName the name envelopes use, e.g. {@code "GetBalance"}
         * @param type the query type
         * @param readModel the read model it reads
         * @param handler its handler
         * @param <Q> the query type
         * @param <R> the answer type
         * @return this builder
         */
        public <Q, R> Builder handle(String typeName, Class<Q> type, String readModel,
                                     QueryHandler<? super Q, ? extends R> handler) {
            Objects.requireNonNull(typeName, "typeName");
            Objects.requireNonNull(readModel, "readModel");
            return register(typeName, type, readModel, handler);
        }

        @SuppressWarnings("unchecked")
        private Builder register(String typeName, Class<?> type, String readModel, QueryHandler<?, ?> handler) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(handler, "handler");
            if (readModel != null && readModel.isBlank()) {
                problems.add("query type " + type.getName() + " names a blank read model; name the read model it "
                    + "reads");
                return this;
            }
            MessageRegistry.collect(problems, byClass, byName, "query", typeName, type,
                new Route((QueryHandler<Object, Object>) handler, readModel));
            return this;
        }

        /**
         * Appends middleware to the chain, in order: the first ever registered is the outermost.
         *
         * @param middleware the middleware to add
         * @return this builder
         */
        public Builder middleware(QueryMiddleware... middleware) {
            Objects.requireNonNull(middleware, "middleware");
            for (var step : middleware) {
                this.middleware.add(Objects.requireNonNull(step, "middleware element"));
            }
            return this;
        }

        /**
         * @param progress how far each read model has got; enables the cache and read-your-writes. Default:
         *     none (nothing is cached, consistency requests fail)
         * @return this builder
         */
        public Builder readModelProgress(ReadModelProgress progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /**
         * @param ttl how long an answer may be served from the cache at most; {@link Duration#ZERO} disables
         *     the cache. Default {@value QueryBus#DEFAULT_CACHE_TTL_SECONDS} s
         * @return this builder
         */
        public Builder cacheTtl(Duration ttl) {
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.isNegative()) {
                throw new IllegalArgumentException("ttl must not be negative (ttl: " + ttl + ")");
            }
            this.cacheTtl = ttl;
            return this;
        }

        /**
         * @param maxEntries the most answers kept, {@code >= 1}. Default {@value QueryBus#DEFAULT_CACHE_MAX_ENTRIES}
         * @return this builder
         */
        public Builder cacheMaxEntries(int maxEntries) {
            if (maxEntries < 1) {
                throw new IllegalArgumentException("maxEntries must be >= 1 (maxEntries: " + maxEntries + ")");
            }
            this.cacheMaxEntries = maxEntries;
            return this;
        }

        /**
         * @param clock the time source of cache expiry. Default: the system clock
         * @return this builder
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param metrics where cache hits and misses are counted. Default: {@link BusMetrics#noop()}. Query
         *     latency is recorded by {@link dev.eventline.core.command.MetricsMiddleware}
         * @return this builder
         */
        public Builder metrics(BusMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /**
         * @param executor runs {@code askAsync}; the bus does not shut it down. Default: a pool of
         *     {@value QueryBus#DEFAULT_ASYNC_THREADS} daemon threads owned (and closed) by the bus
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * @param mapper the Jackson mapper used to decode envelopes (copied and made strict); must not have
         *     default typing. Default: a mapper with Java time support
         * @return this builder
         */
        public Builder objectMapper(ObjectMapper mapper) {
            this.json = MessageJson.of(mapper);
            return this;
        }

        /**
         * @return the immutable, thread-safe bus
         * @throws ConfigurationException when a type or a type name is registered twice, or a name is invalid
         */
        public QueryBus build() {
            if (!problems.isEmpty()) {
                throw new ConfigurationException("QueryBus configuration is invalid: " + String.join("; ", problems)
                    + ".");
            }
            return new QueryBus(this);
        }
    }
}
