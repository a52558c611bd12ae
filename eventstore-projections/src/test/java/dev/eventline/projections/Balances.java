package dev.eventline.projections;

import dev.eventline.core.RecordedEvent;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** An in-memory read model of balances per account, as a user would write it: one small class. */
final class Balances implements Projection {
    private final Map<String, Long> cents = new ConcurrentHashMap<>();
    private final AtomicLong applied = new AtomicLong();

    @Override
    public String name() {
        return "balances";
    }

    @Override
    public Set<String> eventTypes() {
        return Set.of("MoneyDeposited", "MoneyWithdrawn");
    }

    @Override
    public void handle(RecordedEvent event, ProjectionContext context) {
        cents.merge(event.streamId(), TestEvents.signedCents(event), Long::sum);
        applied.incrementAndGet();
    }

    long centsOf(String account) {
        return cents.getOrDefault(account, 0L);
    }

    long total() {
        return cents.values().stream().mapToLong(Long::longValue).sum();
    }

    long applied() {
        return applied.get();
    }
}
