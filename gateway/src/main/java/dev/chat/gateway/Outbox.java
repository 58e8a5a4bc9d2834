package dev.chat.gateway;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsSession;

/**
 * One socket's bounded send queue, written by at most one writer at a time, so a slow socket never
 * delays others and memory never grows without bound. The writer is a virtual thread started when
 * frames arrive and ended when the queue is empty: an idle socket holds no thread and no
 * preallocated array, only an empty queue (this is most of what an idle connection costs). When
 * the queue holds half its capacity in frames, droppable frames (typing, presence) are dropped.
 * A slow consumer is a reader that does not read, not a burst: past its capacity in frames the
 * queue still takes frames while its writes progress, and the socket is closed as a slow consumer
 * ({@link #SLOW_CONSUMER}; the client resyncs on reconnect) only when one write has been blocked
 * for {@link #STALLED} (the peer's receive window is shut) or the queued text passes its limit
 * in characters. Thread-safe: many producers, one writer at a time.
 */
final class Outbox {

    /** Close code for a socket that cannot keep up (RFC 6455 1008, policy violation). */
    static final int SLOW_CONSUMER = 1008;
    /** Close code when the gateway shuts down (RFC 6455 1001). */
    static final int GOING_AWAY = 1001;

    /** A write blocked this long means the peer stopped reading. */
    static final java.time.Duration STALLED = java.time.Duration.ofSeconds(2);

    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());

    private final WsSession session;
    private final Queue<Item> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int capacity;
    private final long maxQueuedChars;
    private final java.util.concurrent.atomic.AtomicLong queuedChars = new java.util.concurrent.atomic.AtomicLong();
    /** When the write in progress began ({@link System#nanoTime()}), or 0 between writes. */
    private volatile long writeStartedNanos;
    private final GatewayMetrics metrics;
    private final String name;
    private final AtomicBoolean closing = new AtomicBoolean();
    /** Whether a writer runs (or is about to): at most one does. */
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile Thread writer;
    private final Runnable onClosed;

    private sealed interface Item {
    }

    private record Text(String text, long queuedNanos) implements Item {
    }

    private record Ping() implements Item {
    }

    private record Close(int code, String reason) implements Item {
    }

    /**
     * @param session  the socket
     * @param capacity       frames queued before the socket is judged: closed if its writes stall
     * @param maxQueuedChars characters queued at most (past it the socket is a slow consumer)
     * @param metrics        meters
     * @param name           for the writer thread's name
     * @param onClosed       run once when the socket is done (closed by us, a write failed, or the peer left)
     */
    Outbox(WsSession session, int capacity, long maxQueuedChars, GatewayMetrics metrics, String name, Runnable onClosed) {
        this.session = session;
        this.onClosed = onClosed;
        this.capacity = capacity;
        this.maxQueuedChars = maxQueuedChars;
        this.metrics = metrics;
        this.name = name;
    }

    /**
     * Queues a frame.
     *
     * @param text      the frame
     * @param droppable whether it may be dropped under pressure (typing, presence)
     */
    void send(String text, boolean droppable) {
        send(text, droppable, null);
    }

    /**
     * Queues a frame as part of a fan-out: if the socket needs a writer, it is left to {@code
     * starts}, which starts the writers of all the fan-out's sockets together.
     *
     * @param text      the frame
     * @param droppable whether it may be dropped under pressure (typing, presence)
     * @param starts    collects the sockets that need a writer (null: start it now)
     */
    void send(String text, boolean droppable, WriterStarts starts) {
        if (closing.get()) {
            return;
        }
        if (droppable && size.get() >= capacity / 2) {
            metrics.dropped();
            return;
        }
        if (size.get() >= capacity && (queuedChars.get() + text.length() > maxQueuedChars || stalled())) {
            metrics.overflow();
            close(SLOW_CONSUMER, "slow consumer");
            return;
        }
        queuedChars.addAndGet(text.length());
        enqueue(new Text(text, System.nanoTime()), starts);
    }

    /**
     * Queues a frame that is part of a long answer (a resume's replay), waiting while the queue is
     * half full so the answer goes out at the pace the client reads and live frames keep room.
     * Call it from the socket's own thread, never from a fan-out thread.
     *
     * @param text    the frame
     * @param maxWait how long the client may read nothing before it counts as a slow consumer
     * @return false if the socket is closing (the frame was not queued)
     */
    boolean sendPaced(String text, java.time.Duration maxWait) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (!closing.get() && size.get() >= capacity / 2) {
            if (System.nanoTime() > deadline) {
                metrics.overflow();
                close(SLOW_CONSUMER, "slow consumer");
                return false;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        send(text, false);
        return !closing.get();
    }

    /** @return whether the write in progress has been blocked for {@link #STALLED} */
    private boolean stalled() {
        long started = writeStartedNanos;
        return started != 0 && System.nanoTime() - started > STALLED.toNanos();
    }

    /** Queues a WebSocket ping. */
    void ping() {
        if (!closing.get() && size.get() < capacity) {
            enqueue(new Ping(), null);
        }
    }

    /**
     * Closes the socket after the frames already queued, or at once if it is a slow consumer.
     *
     * @param code   close code
     * @param reason close reason
     */
    void close(int code, String reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        if (code == SLOW_CONSUMER) {
            clear();
        }
        enqueue(new Close(code, reason), null);
        // a writer blocked on a socket that does not read never reaches the close frame:
        // interrupting a virtual thread blocked in socket I/O closes the socket
        Thread.ofVirtual().start(() -> {
            try {
                if (!done.await(5, TimeUnit.SECONDS)) {
                    Thread blocked = writer;
                    if (blocked != null) {
                        blocked.interrupt();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * Waits until the socket is done after {@link #close}.
     *
     * @param timeoutMillis how long
     * @throws InterruptedException if interrupted
     */
    void awaitClosed(long timeoutMillis) throws InterruptedException {
        done.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** The peer closed the socket: nothing more is written. */
    void stop() {
        closing.set(true);
        clear();
        Thread blocked = writer;
        // the writer itself runs the clean-up that calls this: it must not interrupt itself
        if (blocked != null && blocked != Thread.currentThread()) {
            blocked.interrupt();
        }
        finish();
    }

    private void enqueue(Item item, WriterStarts starts) {
        queue.add(item);
        size.incrementAndGet();
        if (writing.compareAndSet(false, true)) {
            if (starts == null) {
                startWriter();
            } else {
                starts.add(this);
            }
        }
    }

    /** Starts this socket's writer; only after {@link #enqueue} claimed the writing flag. */
    void startWriter() {
        writer = Thread.ofVirtual().name("outbox-" + name).start(this::drain);
    }

    /** Writes this socket's queue on the calling virtual thread, as {@link #startWriter} would on a new one. */
    void drainHere() {
        writer = Thread.currentThread();
        drain();
    }

    private void clear() {
        Item item;
        while ((item = queue.poll()) != null) {
            dequeued(item);
        }
    }

    private void dequeued(Item item) {
        size.decrementAndGet();
        if (item instanceof Text text) {
            queuedChars.addAndGet(-text.text().length());
        }
    }

    /** Writes until the queue is empty, then ends (a frame queued meanwhile starts a new writer). */
    private void drain() {
        try {
            while (true) {
                Item item = queue.poll();
                if (item == null) {
                    writer = null;
                    writing.set(false);
                    // a frame queued after the poll, before the flag was cleared, needs a writer: this one
                    if (queue.isEmpty() || !writing.compareAndSet(false, true)) {
                        return;
                    }
                    writer = Thread.currentThread();
                    continue;
                }
                dequeued(item);
                if (finished.get()) {
                    continue; // the peer left: drop what is queued
                }
                switch (item) {
                    case Text text -> {
                        writeStartedNanos = System.nanoTime();
                        session.send(text.text(), true);
                        writeStartedNanos = 0;
                        metrics.frameOut(text.queuedNanos());
                    }
                    case Ping ignored -> session.ping(BufferData.empty());
                    case Close close -> {
                        // a peer that never replies is dropped by the server's idle timeout
                        session.close(close.code(), close.reason());
                        finish();
                        return;
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "socket write failed: {0}", e.getMessage());
            finish();
        }
    }

    /** Runs the clean-up once: the socket is done. */
    private void finish() {
        closing.set(true);
        if (finished.compareAndSet(false, true)) {
            // the clean-up talks to Redis: it must not run with this thread's interrupt flag set
            Thread.interrupted();
            try {
                onClosed.run();
            } finally {
                done.countDown();
            }
        }
    }
}
