package dev.chat.common.store;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MessageBucketsTest {

    private static final long UUID_EPOCH_OFFSET = 0x01B21DD213814000L;
    private static final long SPAN_MILLIS = Duration.ofDays(10).toMillis();

    /** A version-1 UUID whose 60-bit timestamp is {@code timestamp} (100-ns units since 1582-10-15). */
    private static UUID timeUuid(long timestamp) {
        long msb = (timestamp & 0xFFFF_FFFFL) << 32
                | (timestamp >>> 32 & 0xFFFFL) << 16
                | 0x1000L
                | timestamp >>> 48 & 0x0FFFL;
        return new UUID(msb, 0x8000_0000_0000_0000L);
    }

    private static long uuidTimestamp(Instant time) {
        return time.toEpochMilli() * 10_000 + UUID_EPOCH_OFFSET;
    }

    @Test
    void spanIsTenDays() {
        assertThat(MessageBuckets.SPAN).isEqualTo(Duration.ofDays(10));
    }

    @Test
    void epochIsBucketZero() {
        assertThat(MessageBuckets.of(Instant.EPOCH)).isZero();
        assertThat(MessageBuckets.start(0)).isEqualTo(Instant.EPOCH);
    }

    @Test
    void lastMillisecondOfABucketStaysInIt() {
        assertThat(MessageBuckets.of(Instant.ofEpochMilli(SPAN_MILLIS - 1))).isZero();
        assertThat(MessageBuckets.of(Instant.ofEpochMilli(SPAN_MILLIS))).isEqualTo(1);
    }

    @Test
    void knownDateFallsInItsBucket() {
        Instant time = Instant.parse("2024-05-01T12:00:00Z");

        assertThat(MessageBuckets.of(time)).isEqualTo(1984);
        assertThat(MessageBuckets.start(1984)).isEqualTo(Instant.parse("2024-04-27T00:00:00Z"));
        assertThat(MessageBuckets.start(1985)).isEqualTo(Instant.parse("2024-05-07T00:00:00Z"));
    }

    @Test
    void instantsBeforeTheEpochRoundDown() {
        assertThat(MessageBuckets.of(Instant.ofEpochMilli(-1))).isEqualTo(-1);
        assertThat(MessageBuckets.start(-1)).isEqualTo(Instant.EPOCH.minus(Duration.ofDays(10)));
    }

    @Test
    void everyInstantLiesBetweenItsBucketStartAndTheNextBucketStart() {
        Instant time = Instant.parse("2023-11-30T23:59:59.999Z");
        for (int i = 0; i < 500; i++) {
            int bucket = MessageBuckets.of(time);
            assertThat(MessageBuckets.start(bucket)).isBeforeOrEqualTo(time);
            assertThat(MessageBuckets.start(bucket + 1)).isAfter(time);
            time = time.plus(Duration.ofHours(13)).plusMillis(7);
        }
    }

    @Test
    void bucketsOfConsecutiveStartsAreConsecutive() {
        for (int bucket = 1900; bucket < 2100; bucket++) {
            assertThat(MessageBuckets.of(MessageBuckets.start(bucket))).isEqualTo(bucket);
            assertThat(MessageBuckets.of(MessageBuckets.start(bucket).minusMillis(1))).isEqualTo(bucket - 1);
        }
    }

    @Test
    void startOfALargeBucketDoesNotOverflowInt() {
        assertThat(MessageBuckets.start(Integer.MAX_VALUE))
                .isEqualTo(Instant.ofEpochMilli(Integer.MAX_VALUE * SPAN_MILLIS));
        assertThat(MessageBuckets.start(Integer.MAX_VALUE)).isAfter(Instant.parse("9999-12-31T23:59:59Z"));
    }

    @Test
    void bucketOfATimeUuidIsTheBucketOfItsInstant() {
        UUID uuid = new TimeUuids().next();

        assertThat(MessageBuckets.of(uuid)).isEqualTo(MessageBuckets.of(TimeUuids.instant(uuid)));
    }

    @Test
    void timeUuidJustBeforeABoundaryBelongsToTheEarlierBucket() {
        Instant boundary = MessageBuckets.start(1984);

        assertThat(MessageBuckets.of(timeUuid(uuidTimestamp(boundary) - 1))).isEqualTo(1983);
        assertThat(MessageBuckets.of(timeUuid(uuidTimestamp(boundary)))).isEqualTo(1984);
    }
}
