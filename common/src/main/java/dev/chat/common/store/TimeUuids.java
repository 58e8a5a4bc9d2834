package dev.chat.common.store;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes TIMEUUIDs (UUID version 1) that are strictly increasing within this process: the
 * timestamp never repeats or goes back, even within one millisecond or when the clock steps back.
 * Clock sequence and node are random per instance (RFC 9562 allows this). Thread-safe.
 */
public final class TimeUuids {

    /** 100-nanosecond intervals between 1582-10-15 (the UUID epoch) and 1970-01-01. */
    private static final long UUID_EPOCH_OFFSET = 0x01b21dd213814000L;

    private final AtomicLong lastTimestamp = new AtomicLong();
    private final long clockSeqAndNode;

    /** A generator with a random clock sequence and node. */
    public TimeUuids() {
        SecureRandom random = new SecureRandom();
        long clockSeq = random.nextInt(1 << 14);
        long node = random.nextLong() & 0xFFFF_FFFF_FFFFL | 0x0100_0000_0000L; // multicast bit: not a MAC
        this.clockSeqAndNode = 0x8000_0000_0000_0000L | clockSeq << 48 | node;
    }

    /** @return the next TIMEUUID, greater than every one this instance made before */
    public UUID next() {
        long now = System.currentTimeMillis() * 10_000 + UUID_EPOCH_OFFSET;
        return of(lastTimestamp.updateAndGet(last -> Math.max(last + 1, now)), clockSeqAndNode);
    }

    /**
     * @param unixTime100ns   100-nanosecond units since 1970-01-01
     * @param clockSeqAndNode the lower 64 bits (variant, clock sequence, node)
     * @return the TIMEUUID of that time
     */
    public static UUID ofUnixTime(long unixTime100ns, long clockSeqAndNode) {
        return of(unixTime100ns + UUID_EPOCH_OFFSET, clockSeqAndNode);
    }

    private static UUID of(long timestamp, long clockSeqAndNode) {
        long msb = (timestamp & 0xFFFF_FFFFL) << 32
                | (timestamp >>> 32 & 0xFFFFL) << 16
                | 0x1000L
                | timestamp >>> 48 & 0x0FFFL;
        return new UUID(msb, clockSeqAndNode);
    }

    /** @return the lower 64 bits of every TIMEUUID this instance makes (variant, clock sequence, node) */
    public long node() {
        return clockSeqAndNode;
    }

    /**
     * @param timeUuid a version 1 UUID
     * @return its time in 100-nanosecond units since 1970-01-01 (the inverse of {@link #ofUnixTime})
     */
    public static long unixTime100ns(UUID timeUuid) {
        return timeUuid.timestamp() - UUID_EPOCH_OFFSET;
    }

    /**
     * @param timeUuid a version 1 UUID
     * @return its time, to the millisecond
     */
    public static Instant instant(UUID timeUuid) {
        return Instant.ofEpochMilli(Math.floorDiv(timeUuid.timestamp() - UUID_EPOCH_OFFSET, 10_000L));
    }

    /**
     * Compares TIMEUUIDs as Cassandra orders them: by time, then by the rest of the value.
     *
     * @param a one
     * @param b other
     * @return negative, zero or positive
     */
    public static int compare(UUID a, UUID b) {
        int byTime = Long.compare(a.timestamp(), b.timestamp());
        return byTime != 0 ? byTime : a.compareTo(b);
    }
}
