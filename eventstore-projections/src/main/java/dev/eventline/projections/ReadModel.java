package dev.eventline.projections;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * An in-memory read model that can be rebuilt without downtime: queries go to {@link #current()}, and a
 * {@link RebuildMode#SHADOW} rebuild fills a fresh instance from the factory, then swaps it in atomically.
 * <p>
 * Register it with {@link ProjectionRunner.Builder#register(ReadModel)}. Every instance the factory makes must
 * have the same {@link Projection#name()}.
 * <p>
 * Thread-safety: safe for concurrent use; the instances themselves must be safe for concurrent reads while the
 * runner writes.
 * <pre>{@code
 * ReadModel<AccountBalances> balances = ReadModel.of(AccountBalances::new);
 * var runner = ProjectionRunner.builder(store).register(balances).build();
 * runner.start();
 * long cents = balances.current().centsOf("account-42");
 * }</pre>
 *
 * @param <P> the projection type, which also answers the queries
 * @since 0.1
 */
public final class ReadModel<P extends Projection> {

    private final Supplier<P> factory;
    private final AtomicReference<P> current;
    private final String name;

    private ReadModel(Supplier<P> factory) {
        this.factory = factory;
        P first = Objects.requireNonNull(factory.get(), "factory returned null");
        this.name = first.name();
        this.current = new AtomicReference<>(first);
    }

    /**
     * @param factory makes a fresh, empty instance; called now and on each rebuild
     * @param <P> the projection type
     * @return the read model, holding a first instance
     */
    public static <P extends Projection> ReadModel<P> of(Supplier<P> factory) {
        return new ReadModel<>(Objects.requireNonNull(factory, "factory"));
    }

    /** @return the instance that answers queries now */
    public P current() {
        return current.get();
    }

    /** @return the projection's name */
    public String name() {
        return name;
    }

    P fresh() {
        P instance = Objects.requireNonNull(factory.get(), "factory returned null");
        if (!instance.name().equals(name)) {
            throw new IllegalStateException("the read model factory made a projection named '" + instance.name()
                + "' but the first one was named '" + name + "'. Every instance must have the same name.");
        }
        return instance;
    }

    void swap(Projection instance) {
        @SuppressWarnings("unchecked")
        P typed = (P) instance;
        current.set(typed);
    }

    @Override
    public String toString() {
        return "ReadModel[" + name + "]";
    }
}
