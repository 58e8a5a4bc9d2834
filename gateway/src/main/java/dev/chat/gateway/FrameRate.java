package dev.chat.gateway;

import java.time.Duration;

/**
 * One socket's frame budget: a token bucket of {@code burst} frames refilled at {@code perSecond},
 * and how long the socket has been over it. Refusals less than {@link #QUIET} apart belong to one
 * episode; a client that ignores {@code retry_after_ms} keeps its episode going, and one that
 * lasts {@code floodWindow} is a flood (the socket is closed). Refusals are answered
 * ({@code rate_limited}) at most {@link #ANSWERS_PER_BURST} times {@code burst} a second: past
 * that a refused frame gets no answer, so however fast a client floods, the answers it makes the
 * gateway queue are bounded (a burst of a few hundred frames is answered in full). Not
 * thread-safe: one socket's frames arrive on its one reader thread.
 */
final class FrameRate {

    /** A second without a refusal ends an episode of refusals. */
    static final Duration QUIET = Duration.ofSeconds(1);
    /** Refusals answered per second, in bursts. */
    static final int ANSWERS_PER_BURST = 10;

    private final double perSecond;
    private final double burst;
    private final long floodWindowNanos;
    private double tokens;
    private long lastNanos;
    private long episodeStartNanos;
    private long lastRefusalNanos;
    private boolean refused;
    private long answerWindowStartNanos;
    private int answersInWindow;

    FrameRate(int perSecond, int burst, Duration floodWindow) {
        this(perSecond, burst, floodWindow, System.nanoTime());
    }

    FrameRate(int perSecond, int burst, Duration floodWindow, long nowNanos) {
        this.lastNanos = nowNanos;
        this.perSecond = perSecond;
        this.burst = burst;
        this.floodWindowNanos = floodWindow.toNanos();
        this.tokens = burst;
    }

    /** @return true if one more frame may be handled now (and takes it from the budget) */
    boolean tryTake() {
        return tryTake(System.nanoTime());
    }

    /** {@link #tryTake()} at {@code now} ({@link System#nanoTime()} scale). */
    boolean tryTake(long now) {
        tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * perSecond);
        lastNanos = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        if (!refused || now - lastRefusalNanos > QUIET.toNanos()) {
            episodeStartNanos = now;
        }
        refused = true;
        lastRefusalNanos = now;
        return false;
    }

    /** @return whether the refusal just made gets a {@code rate_limited} answer */
    boolean answerRefusal() {
        return answerRefusal(System.nanoTime());
    }

    /** {@link #answerRefusal()} at {@code now} ({@link System#nanoTime()} scale). */
    boolean answerRefusal(long now) {
        if (answersInWindow == 0 || now - answerWindowStartNanos > QUIET.toNanos()) {
            answerWindowStartNanos = now;
            answersInWindow = 0;
        }
        if (answersInWindow >= ANSWERS_PER_BURST * burst) {
            return false;
        }
        answersInWindow++;
        return true;
    }

    /** @return milliseconds until the next frame would be accepted */
    long retryAfterMillis() {
        return Math.max(1, (long) Math.ceil((1 - tokens) / perSecond * 1000));
    }

    /** @return whether the socket has been refused, without a quiet second, for the flood window */
    boolean flooding() {
        return refused && lastRefusalNanos - episodeStartNanos >= floodWindowNanos;
    }
}
