package dev.chat.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per caller (a user id, or a remote address for the local-stack login): {@code
 * burst} requests at once, refilled at {@code perSecond}; a caller past it gets 429 with
 * Retry-After. In-memory, per api instance (N instances allow N times the rate). Thread-safe.
 */
final class RateLimiter {

    private final double perSecond;
    private final double burst;
    private final Map<Object, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(double perSecond, double burst) {
        this.perSecond = perSecond;
        this.burst = burst;
    }

    private static final class Bucket {
        private double tokens;
        private long lastNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.lastNanos = now;
        }
    }

    /**
     * Takes one token for the caller.
     *
     * @param caller a user id or an address
     * @throws ApiProblem 429 when the bucket is empty
     */
    void acquire(Object caller) {
        long now = System.nanoTime();
        Bucket bucket = buckets.computeIfAbsent(caller, key -> new Bucket(burst, now));
        synchronized (bucket) {
            bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.lastNanos) / 1e9 * perSecond);
            bucket.lastNanos = now;
            if (bucket.tokens < 1) {
                throw ApiProblem.tooManyRequests("more than " + (int) perSecond + " requests per second; retry shortly",
                        (long) Math.ceil((1 - bucket.tokens) / perSecond));
            }
            bucket.tokens -= 1;
        }
    }
}
