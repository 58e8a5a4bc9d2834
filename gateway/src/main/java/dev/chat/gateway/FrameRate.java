package dev.chat.gateway;

/**
 * One socket's frame budget: a token bucket of {@code burst} frames refilled at {@code perSecond},
 * and a count of frames refused in a row (a client that ignores {@code retry_after_ms} is closed).
 * Not thread-safe: one socket's frames arrive on its one reader thread.
 */
final class FrameRate {

    private final double perSecond;
    private final double burst;
    private double tokens;
    private long lastNanos = System.nanoTime();
    private int refusedInARow;

    FrameRate(int perSecond, int burst) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.tokens = burst;
    }

    /** @return true if one more frame may be handled now (and takes it from the budget) */
    boolean tryTake() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * perSecond);
        lastNanos = now;
        if (tokens >= 1) {
            tokens -= 1;
            refusedInARow = 0;
            return true;
        }
        refusedInARow++;
        return false;
    }

    /** @return milliseconds until the next frame would be accepted */
    long retryAfterMillis() {
        return Math.max(1, (long) Math.ceil((1 - tokens) / perSecond * 1000));
    }

    /** @return whether the client keeps sending although refused: as many refusals in a row as the burst */
    boolean flooding() {
        return refusedInARow >= burst;
    }
}
