package dev.chat.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Starts a process whose threads' timed waits may end later by up to a given slack (Linux timer
 * slack, {@code prctl(PR_SET_TIMERSLACK)}; 50 µs by default). A child inherits the slack of the
 * thread that spawned it and passes it on to every thread it creates, so the spawn runs on a
 * platform thread of its own that first sets its slack through {@code /proc/<tid>/timerslack_ns}
 * (a thread may set its own). Used for the local Cassandra: after each burst of requests its
 * shared worker pool keeps a worker parking 10 µs at a time for ~10 ms, thousands of wake-ups a
 * second; with 1 ms of slack each park lasts ~1 ms (docs/benchmarks.md). Where the slack cannot be
 * set (not Linux), the process starts without it.
 */
final class TimerSlack {

    private static final System.Logger LOG = System.getLogger(TimerSlack.class.getName());

    private TimerSlack() {
    }

    /**
     * @param slack how late a timed wait of the new process may end
     * @param spawn starts the process (runs on another thread)
     * @param <T>   what it returns
     * @return what {@code spawn} returned
     * @throws Exception what {@code spawn} threw
     */
    static <T> T spawnWith(Duration slack, Callable<T> spawn) throws Exception {
        FutureTask<T> task = new FutureTask<>(() -> {
            set(slack);
            return spawn.call();
        });
        Thread.ofPlatform().name("spawn-with-slack").start(task);
        try {
            return task.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Sets the calling platform thread's slack, if this system lets it. */
    private static void set(Duration slack) {
        try {
            // /proc/thread-self -> <pid>/task/<tid>; a thread's own slack is /proc/<tid>/timerslack_ns
            Path self = Files.readSymbolicLink(Path.of("/proc/thread-self"));
            Path file = Path.of("/proc", self.getFileName().toString(), "timerslack_ns");
            Files.writeString(file, Long.toString(slack.toNanos()));
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(System.Logger.Level.DEBUG, "timer slack not set: {0}", e.toString());
        }
    }
}
