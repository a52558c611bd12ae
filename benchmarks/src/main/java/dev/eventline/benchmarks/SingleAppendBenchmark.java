package dev.eventline.benchmarks;

import dev.eventline.core.ExpectedVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-event appends, one transaction each, from 1 and 8 threads, each thread on its own stream with the exact
 * expected version; beside them the ceiling: one auto-committed plain JDBC insert of the same row. Mode: sample
 * time, so the results carry p50 and p99; appends per second is {@code threads / mean}.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
public class SingleAppendBenchmark {

    /** The database, shared by the benchmark's threads. */
    @State(Scope.Benchmark)
    public static class Db {
        /** h2file or postgres. */
        @Param({"h2file", "postgres"})
        public String db;

        Fixture fixture;
        final RawEvents raw = new RawEvents("raw_events");

        /** Starts the database and creates both tables. */
        @Setup
        public void setUp() {
            fixture = Fixture.open(db);
            raw.create(fixture.database);
        }

        /** Stops the database. */
        @TearDown
        public void tearDown() {
            fixture.close();
        }
    }

    /** One thread's stream and connection. */
    @State(Scope.Thread)
    public static class Writer {
        final String stream = "acc-" + UUID.randomUUID();
        long version;
        Connection connection;

        /** Takes a pooled connection for the ceiling. */
        @Setup
        public void setUp(Db db) throws SQLException {
            connection = db.fixture.database.dataSource.getConnection();
        }

        /** Returns the connection. */
        @TearDown
        public void tearDown() throws SQLException {
            connection.close();
        }
    }

    private static Object eventline(Db db, Writer writer) {
        long version = writer.version++;
        return db.fixture.store.append(writer.stream, ExpectedVersion.exactly(version),
            List.of(Payloads.one((int) version)));
    }

    private static void jdbc(Db db, Writer writer) throws SQLException {
        long version = ++writer.version;
        db.raw.insertOne(writer.connection, writer.stream, version, Payloads.one((int) version));
    }

    /** Eventline, one thread. */
    @Benchmark
    @Threads(1)
    public Object eventline1Thread(Db db, Writer writer) {
        return eventline(db, writer);
    }

    /** Eventline, 8 threads on 8 streams. */
    @Benchmark
    @Threads(8)
    public Object eventline8Threads(Db db, Writer writer) {
        return eventline(db, writer);
    }

    /** Ceiling, one thread. */
    @Benchmark
    @Threads(1)
    public void jdbc1Thread(Db db, Writer writer) throws SQLException {
        jdbc(db, writer);
    }

    /** Ceiling, 8 threads. */
    @Benchmark
    @Threads(8)
    public void jdbc8Threads(Db db, Writer writer) throws SQLException {
        jdbc(db, writer);
    }
}
