package dev.chat.common.channel;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Keeps one client connection's sends in the order it sent them, without a thread waiting
 * between them: each send's per-channel step starts once the step of the send before it has
 * finished (placed or failed), so a user's quick "hello" and "world" take their seqs in that
 * order. Only the steps follow each other; the sends' Kafka writes overlap. Thread-safe.
 */
public final class SendOrder {

    private static final CompletableFuture<Void> NONE = CompletableFuture.completedFuture(null);

    private CompletableFuture<?> previous = NONE;

    /**
     * Starts a step after the previous one: at once if it has finished (the common case: a
     * person's sends are far apart), else on the thread that finishes it.
     *
     * @param step starts the step; must not block
     * @param <T>  its outcome
     * @return the step's outcome
     */
    synchronized <T> CompletableFuture<T> next(Supplier<CompletableFuture<T>> step) {
        CompletableFuture<T> next = previous.isDone() ? start(step)
                : previous.handle((ignored, error) -> null).thenCompose(ignored -> start(step));
        previous = next;
        return next;
    }

    private static <T> CompletableFuture<T> start(Supplier<CompletableFuture<T>> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
