package dev.chat.localstack;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * When to start a process again that died: after 1 s, doubling while it keeps dying soon after
 * each start, up to a ceiling; a process that ran long enough counts as healthy again. Used by
 * {@code chatctl up} for the chat services and by {@link LocalStack#supervise} for the backing
 * servers. Not thread-safe: one supervisor loop owns it.
 */
public final class RestartBackoff {

    private static final Duration FIRST = Duration.ofSeconds(1);

    private final Duration max;
    private final Duration stable;
    private final Map<String, Long> startedAt = new HashMap<>();
    private final Map<String, Duration> delays = new HashMap<>();
    private final Map<String, Long> dueAt = new HashMap<>();

    /**
     * @param max    the longest wait between restarts
     * @param stable how long a process must run for its next restart to wait {@code FIRST} again
     */
    public RestartBackoff(Duration max, Duration stable) {
        this.max = max;
        this.stable = stable;
    }

    /** Records that {@code name} (re)started at {@code now} (System.nanoTime). */
    public void started(String name, long now) {
        startedAt.put(name, now);
        dueAt.remove(name);
    }

    /** @return whether a restart of {@code name} is already scheduled */
    public boolean scheduled(String name) {
        return dueAt.containsKey(name);
    }

    /**
     * Schedules a restart of {@code name}, which was found dead at {@code now}.
     *
     * @return how long it waits
     */
    public Duration died(String name, long now) {
        boolean ranLong = now - startedAt.getOrDefault(name, now) > stable.toNanos();
        Duration delay = ranLong || !delays.containsKey(name) ? FIRST
                : min(delays.get(name).multipliedBy(2), max);
        delays.put(name, delay);
        dueAt.put(name, now + delay.toNanos());
        return delay;
    }

    /** @return whether the restart of {@code name} is due at {@code now} */
    public boolean due(String name, long now) {
        Long due = dueAt.get(name);
        return due != null && due <= now;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
