package dev.chat.common.feed;

import java.time.Duration;
import java.util.Objects;

/**
 * How one service reads {@code chat-messages}: its group, how much each fetch waits for, how
 * often commits are made synchronous, and how a batch that cannot be handled now backs off.
 *
 * @param topic              the topic read
 * @param group              the consumer group
 * @param maxBatch           most records per poll (one batch)
 * @param fetchMinBytes      a fetch waits for this much data ({@code fetch.min.bytes}) ...
 * @param fetchMaxWait       ... or this long, whichever comes first ({@code fetch.max.wait.ms})
 * @param commitSyncInterval batches commit asynchronously; at least this often the commit is synchronous
 * @param firstBackoff       the first wait before a batch is retried
 * @param maxBackoff         the longest wait between retries (the wait doubles up to it)
 */
public record FeedSettings(String topic, String group, int maxBatch, int fetchMinBytes, Duration fetchMaxWait,
                           Duration commitSyncInterval, Duration firstBackoff, Duration maxBackoff) {

    /** The first retry's wait in production. */
    public static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
    /** The longest wait between retries in production. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    /** Checks the values (configuration is validated with its keys' names before it gets here). */
    public FeedSettings {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(group, "group");
        if (maxBatch <= 0 || fetchMinBytes <= 0) {
            throw new IllegalArgumentException("maxBatch and fetchMinBytes must be positive");
        }
        if (fetchMaxWait.isNegative() || !commitSyncInterval.isPositive() || !firstBackoff.isPositive()
                || maxBackoff.compareTo(firstBackoff) < 0) {
            throw new IllegalArgumentException("fetchMaxWait must not be negative, the commit interval and back-off"
                    + " must be positive, maxBackoff at least firstBackoff");
        }
    }

    /** Settings with the production back-off (100 ms, doubling up to 10 s). */
    public FeedSettings(String topic, String group, int maxBatch, int fetchMinBytes, Duration fetchMaxWait,
                        Duration commitSyncInterval) {
        this(topic, group, maxBatch, fetchMinBytes, fetchMaxWait, commitSyncInterval, FIRST_BACKOFF, MAX_BACKOFF);
    }
}
