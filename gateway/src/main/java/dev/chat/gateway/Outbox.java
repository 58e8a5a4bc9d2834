package dev.chat.gateway;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsSession;

/**
 * One socket's bounded send queue, drained by exactly one writer (a virtual thread), so a slow
 * socket never delays others and memory never grows without bound. When the queue passes half
 * full, droppable frames (typing, presence) are dropped; when it is full the socket is closed as a
 * slow consumer ({@link #SLOW_CONSUMER}) and the client resyncs on reconnect.
 * Thread-safe: many producers, one writer.
 */
final class Outbox {

    /** Close code for a socket that cannot keep up (RFC 6455 1008, policy violation). */
    static final int SLOW_CONSUMER = 1008;
    /** Close code when the gateway shuts down (RFC 6455 1001). */
    static final int GOING_AWAY = 1001;

    private static final System.Logger LOG = System.getLogger(Outbox.class.getName());

    private final WsSession session;
    private final BlockingQueue<Item> queue;
    private final int capacity;
    private final GatewayMetrics metrics;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Thread writer;
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
     * @param capacity frames queued before it counts as a slow consumer
     * @param metrics  meters
     * @param name     for the writer thread's name
     * @param onClosed run once when the writer stops (socket closed by us, or a write failed)
     */
    Outbox(WsSession session, int capacity, GatewayMetrics metrics, String name, Runnable onClosed) {
        this.session = session;
        this.onClosed = onClosed;
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity + 1); // +1: room for the final close
        this.metrics = metrics;
        this.writer = Thread.ofVirtual().name("outbox-" + name).start(this::drain);
    }

    /**
     * Queues a frame.
     *
     * @param text      the frame
     * @param droppable whether it may be dropped under pressure (typing, presence)
     */
    void send(String text, boolean droppable) {
        if (closing.get()) {
            return;
        }
        if (droppable && queue.size() >= capacity / 2) {
            metrics.dropped();
            return;
        }
        if (queue.size() >= capacity || !queue.offer(new Text(text, System.nanoTime()))) {
            metrics.overflow();
            close(SLOW_CONSUMER, "slow consumer");
        }
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
        while (!closing.get() && queue.size() >= capacity / 2) {
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

    /** Queues a WebSocket ping. */
    void ping() {
        if (!closing.get() && queue.size() < capacity) {
            queue.offer(new Ping());
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
            queue.clear();
        }
        if (!queue.offer(new Close(code, reason))) {
            queue.clear();
            queue.offer(new Close(code, reason));
        }
        // a writer blocked on a socket that does not read never reaches the close frame:
        // interrupting a virtual thread blocked in socket I/O closes the socket
        Thread.ofVirtual().start(() -> {
            try {
                writer.join(java.time.Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (writer.isAlive()) {
                writer.interrupt();
            }
        });
    }

    /**
     * Waits for the writer to finish after {@link #close}.
     *
     * @param timeoutMillis how long
     * @throws InterruptedException if interrupted
     */
    void awaitClosed(long timeoutMillis) throws InterruptedException {
        writer.join(timeoutMillis);
    }

    /** Stops the writer when the socket is already closed by the peer. */
    void stop() {
        closing.set(true);
        // the writer itself runs the clean-up that calls this: it must not interrupt itself
        if (Thread.currentThread() != writer) {
            writer.interrupt();
        }
    }

    private void drain() {
        try {
            while (true) {
                // untimed: a timed wait would put a timer in the scheduler for every frame of every socket
                Item item = queue.take();
                switch (item) {
                    case Text text -> {
                        session.send(text.text(), true);
                        metrics.frameOut(text.queuedNanos());
                    }
                    case Ping ignored -> session.ping(BufferData.empty());
                    case Close close -> {
                        // a peer that never replies is dropped by the server's idle timeout
                        session.close(close.code(), close.reason());
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "socket write failed: {0}", e.getMessage());
        } finally {
            closing.set(true);
            // the clean-up talks to Redis: it must not run with this thread's interrupt flag set
            Thread.interrupted();
            onClosed.run();
        }
    }
}
