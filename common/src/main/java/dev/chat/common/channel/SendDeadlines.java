package dev.chat.common.channel;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fails the writes that were not acknowledged within one fixed timeout, checked by one thread. It
 * replaces a timer per write ({@code CompletableFuture.orTimeout}: a task scheduled and cancelled
 * per message, each waking the JDK's delay scheduler thread): every write has the same timeout, so
 * they expire in the order they started, a FIFO queue holds them, and one check is scheduled at a
 * time, for the oldest write's deadline (none while nothing is watched: an idle service wakes no
 * thread for it). Completed writes leave the queue at the next check. Thread-safe.
 */
final class SendDeadlines implements AutoCloseable {

    private record Pending(CompletableFuture<?> write, long deadlineNanos) {
    }

    private final long timeoutNanos;
    private final long slackNanos;
    private final Queue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean checkScheduled = new AtomicBoolean();
    private final ScheduledExecutorService checker;

    /**
     * @param timeout how long a write may wait for its acknowledgement
     * @param slack   a check runs this long after the oldest deadline, so it finds the writes of
     *                the following moment expired too
     * @param name    the checking thread's name
     */
    SendDeadlines(Duration timeout, Duration slack, String name) {
        this.timeoutNanos = timeout.toNanos();
        this.slackNanos = slack.toNanos();
        this.checker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(name).daemon().factory());
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
            scheduleCheck(timeoutNanos);
        }
        return write;
    }

    private void scheduleCheck(long delayNanos) {
        if (checkScheduled.compareAndSet(false, true)) {
            try {
                checker.schedule(this::check, delayNanos + slackNanos, TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                checkScheduled.set(false); // closed
            }
        }
    }

    private void check() {
        expire();
        checkScheduled.set(false);
        Pending oldest = pending.peek();
        if (oldest != null) {
            scheduleCheck(Math.max(0, oldest.deadlineNanos() - System.nanoTime()));
        }
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

    /** @return writes watched and not yet dropped (completed ones leave at the next check) */
    int watched() {
        return pending.size();
    }

    @Override
    public void close() {
        checker.shutdownNow();
    }
}
