package dev.eventline.jdbc.reliability;

import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * CI or extended sizes of the reliability tests: {@code -Deventline.extended=true} switches to the extended ones
 * (never set in CI; they take minutes to hours).
 */
final class Sizes {

    /** The system property that selects the extended sizes. */
    static final String EXTENDED_PROPERTY = "eventline.extended";

    /** Sizes set below their extended value by a property, so that the report never calls such a run full. */
    private static final Map<String, String> PARTIAL = new ConcurrentSkipListMap<>();

    private Sizes() {
    }

    /** @return true when the extended sizes were asked for */
    static boolean extended() {
        return Boolean.getBoolean(EXTENDED_PROPERTY);
    }

    /**
     * @param ci the size run by {@code ./mvnw verify}
     * @param extended the size run with {@code -Deventline.extended=true}
     * @return the size for this run
     */
    static int of(int ci, int extended) {
        return extended() ? extended : ci;
    }

    /**
     * A size that a system property can set, for a documented intermediate run when the extended size does not fit
     * the time (e.g. {@code -Deventline.f1.kills=50}); a run set below the extended size reports itself as partial.
     *
     * @param property the system property that sets this size
     * @param ci the size run by {@code ./mvnw verify}
     * @param extended the size run with {@code -Deventline.extended=true}
     * @return the property's value if set, else the size for this run
     */
    static int of(String property, int ci, int extended) {
        Integer set = Integer.getInteger(property);
        if (set == null) {
            return of(ci, extended);
        }
        if (extended() && set < extended) {
            PARTIAL.put(property, set + " of " + extended);
        }
        return set;
    }

    /** Prints one line of figures, so that a run of the extended set can be copied into the status document. */
    static void report(String id, String figures) {
        String size = !extended() ? " (ci)"
            : PARTIAL.isEmpty() ? " (extended)" : " (partial extended run: " + PARTIAL + ")";
        System.out.println("[reliability] " + id + size + ": " + figures);
    }
}
