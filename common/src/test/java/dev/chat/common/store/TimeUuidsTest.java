package dev.chat.common.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TimeUuidsTest {

    /** 100-ns intervals from the UUID epoch (1582-10-15) to 1970-01-01 (RFC 9562). */
    private static final long UUID_EPOCH_OFFSET = 0x01B21DD213814000L;

    /** A version-1 UUID with this 60-bit timestamp, laid out as RFC 9562 says. */
    private static UUID timeUuid(long timestamp, long clockSeqAndNode) {
        long msb = (timestamp & 0xFFFF_FFFFL) << 32
                | (timestamp >>> 32 & 0xFFFFL) << 16
                | 0x1000L
                | timestamp >>> 48 & 0x0FFFL;
        return new UUID(msb, clockSeqAndNode);
    }

    @Test
    void nextIsVersion1WithRfcVariant() {
        UUID uuid = new TimeUuids().next();

        assertThat(uuid.version()).isEqualTo(1);
        assertThat(uuid.variant()).isEqualTo(2);
    }

    @Test
    void nodeHasMulticastBitSoItIsNotAMacAddress() {
        UUID uuid = new TimeUuids().next();

        assertThat(uuid.node() >>> 40 & 1).isEqualTo(1L);
    }

    @Test
    void clockSequenceAndNodeStayTheSameWithinOneInstance() {
        TimeUuids ids = new TimeUuids();
        UUID first = ids.next();

        for (int i = 0; i < 100; i++) {
            assertThat(ids.next().getLeastSignificantBits()).isEqualTo(first.getLeastSignificantBits());
        }
    }

    @Test
    void twoInstancesUseDifferentClockSequenceOrNode() {
        assertThat(new TimeUuids().next().getLeastSignificantBits())
                .isNotEqualTo(new TimeUuids().next().getLeastSignificantBits());
    }

    @Test
    void timestampIsTheCurrentTimeIn100NanosecondsSinceTheUuidEpoch() {
        long before = System.currentTimeMillis();
        UUID uuid = new TimeUuids().next();
        long after = System.currentTimeMillis();

        assertThat(uuid.timestamp())
                .isBetween(before * 10_000 + UUID_EPOCH_OFFSET, after * 10_000 + UUID_EPOCH_OFFSET);
    }

    @Test
    void instantRecoversTheMillisecondOfCreation() {
        Instant before = Instant.ofEpochMilli(System.currentTimeMillis());
        UUID uuid = new TimeUuids().next();
        Instant after = Instant.ofEpochMilli(System.currentTimeMillis());

        assertThat(TimeUuids.instant(uuid)).isBetween(before, after);
    }

    @Test
    void instantOfAKnownTimestampIsExact() {
        Instant time = Instant.parse("2024-05-01T12:34:56.789Z");
        long timestamp = time.toEpochMilli() * 10_000 + UUID_EPOCH_OFFSET + 9_999; // 999.9 µs into the ms

        assertThat(TimeUuids.instant(timeUuid(timestamp, 0x8000_0000_0000_0000L))).isEqualTo(time);
    }

    @Test
    void instantOfTimestampZeroIsTheGregorianReformDay() {
        UUID zero = timeUuid(0L, 0x8000_0000_0000_0000L);

        assertThat(TimeUuids.instant(zero)).isEqualTo(Instant.parse("1582-10-15T00:00:00Z"));
    }

    @Test
    void manyCallsInOneMillisecondAreStrictlyIncreasing() {
        TimeUuids ids = new TimeUuids();
        int count = 100_000; // far more than one millisecond's worth of calls
        UUID previous = ids.next();

        for (int i = 0; i < count; i++) {
            UUID next = ids.next();
            assertThat(next.timestamp()).isGreaterThan(previous.timestamp());
            assertThat(TimeUuids.compare(previous, next)).isNegative();
            previous = next;
        }
    }

    @Test
    void burstDoesNotRunFarAheadOfTheClock() {
        TimeUuids ids = new TimeUuids();
        UUID last = null;
        for (int i = 0; i < 1_000; i++) {
            last = ids.next();
        }
        Instant after = Instant.ofEpochMilli(System.currentTimeMillis());

        // 1,000 ids need at most 0.1 ms of timestamps beyond the clock
        assertThat(TimeUuids.instant(last)).isBeforeOrEqualTo(after.plusMillis(1));
    }

    @Test
    void severalThreadsNeverGetTheSameTimestamp() throws Exception {
        TimeUuids ids = new TimeUuids();
        int threads = 8;
        int perThread = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<UUID>>> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    List<UUID> mine = new ArrayList<>(perThread);
                    for (int i = 0; i < perThread; i++) {
                        mine.add(ids.next());
                    }
                    return mine;
                }));
            }
            start.countDown();

            Set<UUID> all = new HashSet<>();
            Set<Long> timestamps = new HashSet<>();
            long newest = Long.MIN_VALUE;
            for (Future<List<UUID>> result : results) {
                List<UUID> mine = result.get(30, TimeUnit.SECONDS);
                for (int i = 1; i < mine.size(); i++) {
                    assertThat(TimeUuids.compare(mine.get(i - 1), mine.get(i))).isNegative();
                }
                all.addAll(mine);
                for (UUID uuid : mine) {
                    timestamps.add(uuid.timestamp());
                    newest = Math.max(newest, uuid.timestamp());
                }
            }
            assertThat(all).hasSize(threads * perThread);
            assertThat(timestamps).hasSize(threads * perThread);
            assertThat(ids.next().timestamp()).isGreaterThan(newest);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void compareOrdersByTimeWhereUuidCompareToDoesNot() {
        long lsb = 0x8000_0000_0000_0000L;
        // earlier: time_low 0x7FFFFFFF; later: time_low wrapped to 0, time_mid 1
        UUID earlier = timeUuid(0x0000_0000_7FFF_FFFFL, lsb);
        UUID later = timeUuid(0x0000_0001_0000_0000L, lsb);

        assertThat(earlier.compareTo(later)).as("java.util.UUID order").isPositive();
        assertThat(TimeUuids.compare(earlier, later)).isNegative();
        assertThat(TimeUuids.compare(later, earlier)).isPositive();
    }

    @Test
    void compareOfGeneratedIdsFollowsTheirInstants() {
        TimeUuids ids = new TimeUuids();
        Instant t = Instant.parse("2024-01-01T00:00:00Z");
        UUID a = timeUuid(t.toEpochMilli() * 10_000 + UUID_EPOCH_OFFSET, 0x8000_0000_0000_0001L);
        UUID b = ids.next();

        assertThat(TimeUuids.compare(a, b)).isNegative();
        assertThat(TimeUuids.compare(b, a)).isPositive();
    }

    @Test
    void compareBreaksTimeTiesByTheRestOfTheValue() {
        UUID low = timeUuid(123_456_789L, 0x8000_0000_0000_0001L);
        UUID high = timeUuid(123_456_789L, 0x8000_0000_0000_0002L);

        assertThat(TimeUuids.compare(low, high)).isNegative();
        assertThat(TimeUuids.compare(high, low)).isPositive();
        assertThat(TimeUuids.compare(low, timeUuid(123_456_789L, 0x8000_0000_0000_0001L))).isZero();
    }
}
