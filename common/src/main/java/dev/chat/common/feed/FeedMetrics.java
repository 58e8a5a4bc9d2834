package dev.chat.common.feed;

import java.time.Duration;

/** Told what a {@link ChannelFeed} did, for a service's meters. Implementations must be thread-safe. */
public interface FeedMetrics {

    /** Meters nothing. */
    FeedMetrics NONE = new FeedMetrics() {
    };

    /**
     * A batch was handled and its offsets committed (or handed to an asynchronous commit).
     *
     * @param records records in it, dead letters included
     * @param took    from poll to commit, retries included
     */
    default void batch(int records, Duration took) {
    }

    /** A batch is retried after {@link RetryLater} or a dead-letter failure. */
    default void retry() {
    }

    /** A record was parked on the dead-letter topic. */
    default void deadLettered() {
    }
}
