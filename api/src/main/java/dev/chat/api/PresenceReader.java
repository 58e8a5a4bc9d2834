package dev.chat.api;

import java.time.Instant;

import dev.chat.common.keys.PresenceKeys;
import dev.chat.common.wire.PresenceEvent;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Reads presence from the Redis keys the gateways maintain: online while any device's expiry lies
 * ahead, with the last time the user was seen. Thread-safe.
 */
final class PresenceReader {

    private final RedissonClient redis;

    PresenceReader(RedissonClient redis) {
        this.redis = redis;
    }

    PresenceEvent presence(long userId) {
        long now = System.currentTimeMillis();
        int live = redis.getScoredSortedSet(PresenceKeys.devices(userId), StringCodec.INSTANCE)
                .count(now, false, Double.POSITIVE_INFINITY, true);
        Object lastSeen = redis.getBucket(PresenceKeys.lastSeen(userId), StringCodec.INSTANCE).get();
        return new PresenceEvent(userId, live > 0 ? "online" : "offline",
                lastSeen == null ? null : Instant.ofEpochMilli(Long.parseLong(lastSeen.toString())));
    }
}
