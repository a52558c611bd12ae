package dev.eventline.benchmarks;

final class Smoke {
    public static void main(String[] args) {
        System.out.println(BankEvents.samplePayload() + " " + BankEvents.samplePayload().length());
        long t = System.nanoTime();
        try (Database db = Database.open(args[0])) {
            System.out.println(db.version() + " started in " + (System.nanoTime() - t) / 1_000_000 + " ms");
            if (db.isPostgres()) System.out.println(db.queryString("SHOW fsync") + db.queryString("SHOW synchronous_commit"));
        }
        System.out.println("total " + (System.nanoTime() - t) / 1_000_000 + " ms");
    }
}
