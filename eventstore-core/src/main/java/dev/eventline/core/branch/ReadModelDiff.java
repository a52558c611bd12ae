package dev.eventline.core.branch;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * <b>Experimental.</b> How two read models differ, key by key: typically the same read model built on the main
 * store and on a branch ("what would balances be if…").
 * <p>
 * Read models are compared as maps (key → row or value); values are compared with {@link Objects#equals}. The
 * result's maps keep the keys in the order of the inputs' union, sorted when the keys are {@link Comparable}.
 * <pre>{@code
 * ReadModelDiff<String, BigDecimal> diff = ReadModelDiff.of(mainBalances.asMap(), branchBalances.asMap());
 * diff.changed().forEach((account, change) -> System.out.println(account + ": " + change.first() + " -> " + change.second()));
 * }</pre>
 *
 * @param onlyInFirst the entries whose key only the first read model has
 * @param onlyInSecond the entries whose key only the second read model has
 * @param changed the keys both have with different values, and the two values
 * @param <K> the key type
 * @param <V> the value type
 * @since 0.1
 */
public record ReadModelDiff<K, V>(Map<K, V> onlyInFirst, Map<K, V> onlyInSecond, Map<K, Change<V>> changed) {

    /** Makes the maps unmodifiable (they may hold null values, so they are wrapped, not copied). */
    public ReadModelDiff {
        onlyInFirst = Collections.unmodifiableMap(new LinkedHashMap<>(onlyInFirst));
        onlyInSecond = Collections.unmodifiableMap(new LinkedHashMap<>(onlyInSecond));
        changed = Collections.unmodifiableMap(new LinkedHashMap<>(changed));
    }

    /**
     * One key's two different values.
     *
     * @param first the value in the first read model
     * @param second the value in the second read model
     * @param <V> the value type
     */
    public record Change<V>(V first, V second) {
    }

    /**
     * Compares two read models.
     *
     * @param first a read model, e.g. on main
     * @param second the same read model on a branch
     * @param <K> the key type
     * @param <V> the value type
     * @return the differences; {@link #isEmpty()} when the two are equal
     */
    public static <K, V> ReadModelDiff<K, V> of(Map<K, ? extends V> first, Map<K, ? extends V> second) {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        Map<K, V> onlyFirst = new LinkedHashMap<>();
        Map<K, V> onlySecond = new LinkedHashMap<>();
        Map<K, Change<V>> changed = new LinkedHashMap<>();
        for (K key : keys(first, second)) {
            boolean inFirst = first.containsKey(key);
            boolean inSecond = second.containsKey(key);
            V a = first.get(key);
            V b = second.get(key);
            if (inFirst && !inSecond) {
                onlyFirst.put(key, a);
            } else if (!inFirst) {
                onlySecond.put(key, b);
            } else if (!Objects.equals(a, b)) {
                changed.put(key, new Change<>(a, b));
            }
        }
        return new ReadModelDiff<>(onlyFirst, onlySecond, changed);
    }

    private static <K> Iterable<K> keys(Map<K, ?> first, Map<K, ?> second) {
        boolean sortable = first.keySet().stream().allMatch(key -> key instanceof Comparable)
            && second.keySet().stream().allMatch(key -> key instanceof Comparable);
        if (sortable) {
            try {
                TreeSet<K> sorted = new TreeSet<>(first.keySet());
                sorted.addAll(second.keySet());
                return sorted;
            } catch (ClassCastException e) {
                // keys of mutually incomparable types: fall back to insertion order
            }
        }
        LinkedHashSet<K> union = new LinkedHashSet<>(first.keySet());
        union.addAll(second.keySet());
        return union;
    }

    /** @return true when the two read models are equal */
    public boolean isEmpty() {
        return onlyInFirst.isEmpty() && onlyInSecond.isEmpty() && changed.isEmpty();
    }

    /** @return how many keys differ */
    public int size() {
        return onlyInFirst.size() + onlyInSecond.size() + changed.size();
    }
}
