package dev.chat.common.store;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The time window that partitions a channel's messages in Cassandra: {@code messages_by_channel}
 * is keyed by {@code (channel_id, bucket)}, bucket = epoch millis of the message's TIMEUUID / 10 days.
 */
public final class MessageBuckets {

    /** How long one bucket spans. */
    public static final Duration SPAN = Duration.ofDays(10);

    private MessageBuckets() {
    }

    /**
     * @param messageId a TIMEUUID
     * @return its bucket
     */
    public static int of(UUID messageId) {
        return of(TimeUuids.instant(messageId));
    }

    /**
     * @param time a point in time
     * @return its bucket
     */
    public static int of(Instant time) {
        return (int) Math.floorDiv(time.toEpochMilli(), SPAN.toMillis());
    }

    /**
     * @param bucket a bucket
     * @return when it starts
     */
    public static Instant start(int bucket) {
        return Instant.ofEpochMilli(bucket * SPAN.toMillis());
    }
}
