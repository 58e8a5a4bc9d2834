package dev.chat.gateway;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link Presence#sweep} at a fixed interval, so users whose gateway died (no close, no
 * {@code offline}) are announced offline within a TTL and an interval of their last heartbeat.
 * Every gateway runs one; each expired device is taken by exactly one of them.
 */
final class PresenceSweeper implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PresenceSweeper.class.getName());
    /** Devices taken per round; the rest wait for the next round. */
    private static final int PER_ROUND = 500;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("presence-sweeper").daemon().factory());

    PresenceSweeper(Presence presence, Duration interval) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                int offline = presence.sweep(PER_ROUND);
                if (offline > 0) {
                    LOG.log(System.Logger.Level.DEBUG, "presence: {0} users offline after their devices expired", offline);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "presence sweep failed: {0}", e.getMessage());
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
