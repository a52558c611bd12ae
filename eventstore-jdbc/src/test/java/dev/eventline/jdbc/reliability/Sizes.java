package dev.eventline.jdbc.reliability;

/**
 * CI or extended sizes of the reliability tests: {@code -Deventline.extended=true} switches to the extended ones
 * (never set in CI; they take minutes to hours).
 */
final class Sizes {

    /** The system property that selects the extended sizes. */
    static final String EXTENDED_PROPERTY = "eventline.extended";

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

    /** Prints one line of figures, so that a run of the extended set can be copied into the status document. */
    static void report(String id, String figures) {
        System.out.println("[reliability] " + id + (extended() ? " (extended)" : " (ci)") + ": " + figures);
    }
}
