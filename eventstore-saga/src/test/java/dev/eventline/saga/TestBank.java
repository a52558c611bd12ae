package dev.eventline.saga;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A recording fake of a bank behind an idempotent command bus: accounts with balances, rejections for business
 * rules, and deduplication by command id (what the core idempotency middleware does).
 */
final class TestBank implements SagaCommandDispatcher {

    record Withdraw(String account, long amount) {
    }

    record Deposit(String account, long amount) {
    }

    /** A business rule said no. */
    static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Rejected(String message) {
            super(message);
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Long> balances = new HashMap<>();
    private final Set<String> closed = new HashSet<>();
    private final Set<UUID> applied = new HashSet<>();
    final List<SagaCommand> received = new CopyOnWriteArrayList<>();
    final Map<UUID, Integer> applications = new ConcurrentHashMap<>();

    TestBank open(String account, long balance) {
        lock.lock();
        try {
            balances.put(account, balance);
            return this;
        } finally {
            lock.unlock();
        }
    }

    TestBank close(String account) {
        lock.lock();
        try {
            closed.add(account);
            return this;
        } finally {
            lock.unlock();
        }
    }

    TestBank reopen(String account) {
        lock.lock();
        try {
            closed.remove(account);
            return this;
        } finally {
            lock.unlock();
        }
    }

    long balance(String account) {
        lock.lock();
        try {
            return balances.get(account);
        } finally {
            lock.unlock();
        }
    }

    long total() {
        lock.lock();
        try {
            return balances.values().stream().mapToLong(Long::longValue).sum();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void dispatch(SagaCommand command) {
        received.add(command);
        lock.lock();
        try {
            if (applied.contains(command.commandId())) {
                return;
            }
            Object payload = command.payload();
            if (payload instanceof Withdraw withdraw) {
                Long balance = requireOpen(withdraw.account());
                if (balance < withdraw.amount()) {
                    throw new Rejected("insufficient funds in " + withdraw.account() + " (balance: " + balance
                        + ", amount: " + withdraw.amount() + ")");
                }
                balances.put(withdraw.account(), balance - withdraw.amount());
            } else if (payload instanceof Deposit deposit) {
                Long balance = requireOpen(deposit.account());
                balances.put(deposit.account(), balance + deposit.amount());
            } else {
                throw new IllegalArgumentException("unknown command " + payload);
            }
            applied.add(command.commandId());
            applications.merge(command.commandId(), 1, Integer::sum);
        } finally {
            lock.unlock();
        }
    }

    private Long requireOpen(String account) {
        Long balance = balances.get(account);
        if (balance == null) {
            throw new Rejected("account " + account + " does not exist");
        }
        if (closed.contains(account)) {
            throw new Rejected("account " + account + " is closed");
        }
        return balance;
    }
}
