package dev.chat.gateway;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a socket's set-up (token check, loading its channels, presence) on a few shared platform
 * threads instead of the socket's own virtual thread. Libraries keep per-thread caches in
 * ThreadLocals (java-jwt's Jackson parser buffers, ~16 KiB; HikariCP's connection list), and a
 * socket's virtual thread lives as long as the socket: run there, every idle connection kept its
 * own copy. Here they exist once per pool thread. Thread-safe.
 */
final class SetupThreads implements AutoCloseable {

    /** Set-up blocks on PostgreSQL and Redis: enough threads for a connect storm, few enough to not matter. */
    private static final int THREADS = 16;

    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS,
            Thread.ofPlatform().name("socket-setup-", 0).daemon().factory());

    /**
     * Runs the work on a pool thread and waits for it.
     *
     * @param work what to run
     * @param <T>  its result
     * @param <E>  the checked exception it may throw
     * @param checked the checked exception's class (rethrown as is)
     * @return its result
     * @throws E as the work threw it; unchecked exceptions are rethrown as they were
     */
    <T, E extends Exception> T call(Callable<T> work, Class<E> checked) throws E {
        Future<T> result = pool.submit(work);
        try {
            return result.get();
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting up a socket", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (checked.isInstance(cause)) {
                throw checked.cast(cause);
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
