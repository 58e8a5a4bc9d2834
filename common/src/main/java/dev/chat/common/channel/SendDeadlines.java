package dev.chat.common.channel;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fails the writes that were not acknowledged within one fixed timeout, checked by one thread a
 * few times a second. It replaces a timer per write ({@code CompletableFuture.orTimeout}: a task
 * scheduled and cancelled per message, each waking the JDK's delay scheduler thread): every write
 * has the same timeout, so they expire in the order they started and a FIFO queue is enough.
 * A write fails up to one tick after its deadline. Thread-safe.
 */
final class SendDeadlines implements AutoCloseable {

    private record Pending(CompletableFuture<?> write, long deadlineNanos) {
    }

    private final long timeoutNanos;
    private final Queue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService ticker;

    /**
     * @param timeout how long a write may wait for its acknowledgement
     * @param tick    how often expired writes are looked for
     * @param name    the checking thread's name
     */
    SendDeadlines(Duration timeout, Duration tick, String name) {
        this.timeoutNanos = timeout.toNanos();
        this.ticker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(name).daemon().factory());
        ticker.scheduleWithFixedDelay(this::expire, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Watches a write: unless completed within the timeout, it completes exceptionally with a
     * {@link TimeoutException}.
     *
     * @param write the write's future
     * @param <T>   its value
     * @return the same future
     */
    <T> CompletableFuture<T> watch(CompletableFuture<T> write) {
        if (!write.isDone()) {
            pending.add(new Pending(write, System.nanoTime() + timeoutNanos));
        }
        return write;
    }

    /** Drops completed writes from the head and fails the expired ones (deadlines come in order). */
    void expire() {
        long now = System.nanoTime();
        Pending head;
        while ((head = pending.peek()) != null) {
            if (!head.write().isDone() && now - head.deadlineNanos() < 0) {
                return; // the oldest write still has time: so has every later one
            }
            pending.poll();
            if (!head.write().isDone()) {
                head.write().completeExceptionally(new TimeoutException("no acknowledgement within "
                        + Duration.ofNanos(timeoutNanos).toMillis() + " ms"));
            }
        }
    }

    /** @return writes watched and not yet dropped (completed ones leave at the next tick) */
    int watched() {
        return pending.size();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
