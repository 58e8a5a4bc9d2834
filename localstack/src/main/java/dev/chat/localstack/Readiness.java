package dev.chat.localstack;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a real readiness check until it passes or a deadline expires. */
final class Readiness {

    private Readiness() {
    }

    /**
     * Calls {@code check} every {@code interval} until it returns without throwing.
     *
     * @param what     what is awaited, for the error message
     * @param timeout  deadline
     * @param process  the process being awaited (fails fast if it dies), or null
     * @param log      its log file, named in the error
     * @param check    the check; throws while not ready
     * @param <T>      result type
     * @return the check's result
     * @throws Exception the last failure if the deadline passes
     */
    static <T> T await(String what, Duration timeout, ManagedProcess process, Object log, Callable<T> check)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException(what + " exited during start-up; see " + log);
            }
            try {
                return check.call();
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(what + " not ready after " + timeout.toSeconds() + " s; see " + log
                + (last == null ? "" : " (last error: " + last.getMessage() + ")"), last);
    }
}
