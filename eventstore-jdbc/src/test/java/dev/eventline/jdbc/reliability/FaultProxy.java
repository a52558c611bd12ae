package dev.eventline.jdbc.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small TCP proxy for fault tests (there is no toxiproxy here): put it between a connection pool and
 * PostgreSQL, then blackhole, reset, delay, or cut connections at the moment a {@code COMMIT} is on the wire.
 * <p>
 * Faults:
 * <ul>
 *   <li>{@link #blackhole(long)}: for a while, nothing is forwarded in either direction (bytes are held, as by a
 *   network partition with TCP retransmits, and flow again afterwards unless a side gave up first).</li>
 *   <li>{@link #resetAll()}: every open connection is closed with a TCP reset, both sides.</li>
 *   <li>{@link #resetEveryBytes(long)}: a connection is reset once it has carried that many bytes.</li>
 *   <li>{@link #latency(long)}: every chunk from the server is delayed (one extra delay per round trip).</li>
 *   <li>{@link #cutNextCommit(boolean)}: the next client message that carries {@code COMMIT} is either forwarded
 *   and the server's reply is never delivered (the commit happened, the client cannot know), or dropped (it did
 *   not happen); either way the connection is reset. This is the unknown commit outcome of RELIABILITY.md I-2.</li>
 * </ul>
 * Detecting {@code COMMIT} looks for the ASCII bytes in client-to-server traffic; payloads of the tests using it
 * must not contain that word. Thread-safety: safe for concurrent use; close it when done.
 */
final class FaultProxy implements AutoCloseable {

    private static final byte[] COMMIT = "COMMIT".getBytes(StandardCharsets.US_ASCII);

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private volatile long blackholeUntilNanos;
    private volatile long latencyMillis;
    private volatile long resetEveryBytes;
    /** 0: no cut armed; 1: forward the commit, swallow the reply; 2: drop the commit. */
    private final AtomicInteger armedCut = new AtomicInteger();
    private final AtomicLong commitsCutAfterSending = new AtomicLong();
    private final AtomicLong commitsCutBeforeSending = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();

    FaultProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.blackholeUntilNanos = System.nanoTime();
        this.acceptor = new Thread(this::accept, "fault-proxy-accept-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** @return the local port clients connect to */
    int port() {
        return listener.getLocalPort();
    }

    /** Holds all traffic for the given time, starting now. */
    void blackhole(long millis) {
        blackholeUntilNanos = System.nanoTime() + millis * 1_000_000;
    }

    /** @param millis the delay added to every chunk from the server ({@code 0}: none) */
    void latency(long millis) {
        latencyMillis = millis;
    }

    /** @param bytes reset a connection once it has carried this many bytes ({@code 0}: never) */
    void resetEveryBytes(long bytes) {
        resetEveryBytes = bytes;
    }

    /**
     * Arms a cut of the next {@code COMMIT} seen on any connection.
     *
     * @param afterSending true: the server gets the commit and its reply is lost; false: the commit is lost
     */
    void cutNextCommit(boolean afterSending) {
        armedCut.set(afterSending ? 1 : 2);
    }

    /** @return true while a cut is armed and no commit has been seen yet */
    boolean cutArmed() {
        return armedCut.get() != 0;
    }

    /** Disarms a cut that no commit has triggered. */
    void disarm() {
        armedCut.set(0);
    }

    long commitsCutAfterSending() {
        return commitsCutAfterSending.get();
    }

    long commitsCutBeforeSending() {
        return commitsCutBeforeSending.get();
    }

    /** @return how many connections were reset on purpose (cuts, {@link #resetAll()}, byte limits) */
    long resets() {
        return resets.get();
    }

    /** Resets every open connection now. */
    void resetAll() {
        for (Link link : links) {
            link.reset(true);
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                try {
                    server.connect(new InetSocketAddress(targetHost, targetPort), 5_000);
                } catch (IOException e) {
                    hardClose(client);
                    continue;
                }
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                Link link = new Link(client, server);
                links.add(link);
                link.start();
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("fault proxy: accept failed: " + e);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing a listening socket only fails when it is already closed
        }
        resetAll();
    }

    private static void hardClose(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException ignored) {
            // already closed
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** One proxied connection: two pump threads. */
    private final class Link {
        private final Socket client;
        private final Socket server;
        private final AtomicLong carried = new AtomicLong();
        /** Set when a commit was forwarded under an armed cut: the next reply is swallowed and the link reset. */
        private volatile boolean swallowReply;
        private volatile boolean dead;

        Link(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void start() {
            Thread up = new Thread(() -> pump(client, server, true), "fault-proxy-up-" + client.getPort());
            Thread down = new Thread(() -> pump(server, client, false), "fault-proxy-down-" + client.getPort());
            up.setDaemon(true);
            down.setDaemon(true);
            up.start();
            down.start();
        }

        void reset(boolean injected) {
            if (!dead) {
                dead = true;
                if (injected) {
                    resets.incrementAndGet();
                }
            }
            hardClose(client);
            hardClose(server);
            links.remove(this);
        }

        private void pump(Socket from, Socket to, boolean upstream) {
            byte[] buffer = new byte[16 * 1024];
            byte[] tail = new byte[COMMIT.length - 1];
            int tailLength = 0;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    waitOutBlackhole();
                    if (dead) {
                        return;
                    }
                    if (upstream) {
                        int cut = armedCut.get();
                        if (cut != 0 && containsCommit(tail, tailLength, buffer, n) && armedCut.compareAndSet(cut, 0)) {
                            if (cut == 2) {
                                commitsCutBeforeSending.incrementAndGet();
                                reset(true);
                                return;
                            }
                            swallowReply = true;
                            commitsCutAfterSending.incrementAndGet();
                        }
                        tailLength = Math.min(tail.length, n);
                        System.arraycopy(buffer, n - tailLength, tail, 0, tailLength);
                    } else {
                        if (swallowReply) {
                            reset(true);
                            return;
                        }
                        long delay = latencyMillis;
                        if (delay > 0) {
                            Thread.sleep(delay);
                        }
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                    long every = resetEveryBytes;
                    if (every > 0 && carried.addAndGet(n) >= every) {
                        reset(true);
                        return;
                    }
                }
                // One side closed: close the other so that it sees the end as well.
                reset(false);
            } catch (IOException e) {
                reset(false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reset(false);
            }
        }

        private void waitOutBlackhole() throws InterruptedException {
            while (System.nanoTime() - blackholeUntilNanos < 0) {
                Thread.sleep(20);
            }
        }
    }

    private static boolean containsCommit(byte[] tail, int tailLength, byte[] buffer, int n) {
        byte[] joined = new byte[tailLength + n];
        System.arraycopy(tail, 0, joined, 0, tailLength);
        System.arraycopy(buffer, 0, joined, tailLength, n);
        outer:
        for (int i = 0; i + COMMIT.length <= joined.length; i++) {
            for (int j = 0; j < COMMIT.length; j++) {
                if (joined[i + j] != COMMIT[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
