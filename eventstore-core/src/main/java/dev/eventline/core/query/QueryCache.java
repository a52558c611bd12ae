package dev.eventline.core.query;

import dev.eventline.core.LogPosition;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The query bus's bounded LRU cache of answers. Each entry remembers its expiry and the position its read model
 * was at before the handler ran, so an answer is never served once the read model has moved past it.
 */
final class QueryCache {

    /** Tenant and principal are part of the key: one tenant's or user's answer is never served to another. */
    record Key(Class<?> type, Object query, String tenant, String principal) {
    }

    record Answer(Object value, LogPosition position, Instant expiresAt) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<Key, Answer> entries;

    QueryCache(int maxEntries) {
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Answer> eldest) {
                return size() > maxEntries;
            }
        };
    }

    Answer get(Key key) {
        lock.lock();
        try {
            return entries.get(key);
        } finally {
            lock.unlock();
        }
    }

    void put(Key key, Answer entry) {
        lock.lock();
        try {
            entries.put(key, entry);
        } finally {
            lock.unlock();
        }
    }

    void remove(Key key) {
        lock.lock();
        try {
            entries.remove(key);
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }
}
