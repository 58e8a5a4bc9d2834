package dev.chat.gateway;

import java.time.Duration;
import java.time.Instant;

import dev.chat.common.channel.ChannelKeys;
import dev.chat.common.keys.PresenceKeys;
import dev.chat.common.wire.PresenceEvent;
import org.redisson.api.RBatch;
import org.redisson.api.RBucket;
import org.redisson.api.RScoredSortedSet;
import org.redisson.api.RScoredSortedSetAsync;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Presence in Redis, shared by every gateway and read by the api:
 * {@code presence:devices:<user>} is a sorted set of the user's live connections scored by when
 * each expires (refreshed by heartbeats; the key itself has a TTL, so a crashed gateway's devices
 * expire), and {@code presence:last_seen:<user>} holds epoch millis of the last sign of life.
 * A user is online while any device has not expired. Transitions are published on the
 * {@code presence:<user>} topic. Devices of a gateway that died are found in
 * {@code presence:expiries:<n>} by {@link #sweep} (any gateway runs it; each device is taken by one),
 * which publishes {@code offline} for users left without a device. Thread-safe.
 */
final class Presence {

    private static final Duration LAST_SEEN_TTL = Duration.ofDays(30);

    private final RedissonClient redis;
    private final FanOut fanOut;
    private final Duration ttl;

    Presence(RedissonClient redis, FanOut fanOut, Duration ttl) {
        this.redis = redis;
        this.fanOut = fanOut;
        this.ttl = ttl;
    }

    void connected(Connection connection) {
        boolean wasOnline = liveDevices(connection.userId()) > 0;
        heartbeat(connection);
        if (!wasOnline) {
            fanOut.publish(ChannelKeys.presenceTopic(connection.userId()), current(connection.userId()));
        }
    }

    /** Refreshes the socket's device, its expiry entry and last-seen: one pipelined round trip. */
    void heartbeat(Connection connection) {
        long now = System.currentTimeMillis();
        long userId = connection.userId();
        RBatch batch = redis.createBatch();
        RScoredSortedSetAsync<String> devices = batch.getScoredSortedSet(PresenceKeys.devices(userId), StringCodec.INSTANCE);
        devices.addAsync(now + ttl.toMillis(), connection.id());
        devices.expireAsync(ttl);
        batch.<String>getScoredSortedSet(PresenceKeys.expiries(userId), StringCodec.INSTANCE)
                .addAsync(now + ttl.toMillis(), userId + "/" + connection.id());
        batch.<String>getBucket(PresenceKeys.lastSeen(userId), StringCodec.INSTANCE).setAsync(Long.toString(now), LAST_SEEN_TTL);
        batch.execute();
    }

    void disconnected(Connection connection) {
        devices(connection.userId()).remove(connection.id());
        expiries(connection.userId()).remove(connection.userId() + "/" + connection.id());
        lastSeen(connection.userId()).set(Long.toString(System.currentTimeMillis()), LAST_SEEN_TTL);
        if (liveDevices(connection.userId()) == 0) {
            fanOut.publish(ChannelKeys.presenceTopic(connection.userId()), current(connection.userId()));
        }
    }

    /**
     * @param userId a user
     * @return online if any device is live, with the last time they were seen
     */
    PresenceEvent current(long userId) {
        String lastSeen = lastSeen(userId).get();
        return new PresenceEvent(userId, liveDevices(userId) > 0 ? "online" : "offline",
                lastSeen == null ? null : Instant.ofEpochMilli(Long.parseLong(lastSeen)));
    }

    /**
     * Takes up to {@code max} devices whose expiry passed (their gateway died or lost them) and
     * publishes {@code offline} for each user left without a live device. A device is taken by one
     * sweeper only (ZREM answers true once).
     *
     * @return how many users went offline
     */
    int sweep(int max) {
        long now = System.currentTimeMillis();
        int offline = 0;
        for (int shard = 0; shard < PresenceKeys.EXPIRY_SHARDS; shard++) {
            RScoredSortedSet<String> expiries = redis.getScoredSortedSet(PresenceKeys.expiryShard(shard),
                    StringCodec.INSTANCE);
            for (String device : expiries.valueRange(Double.NEGATIVE_INFINITY, true, now, true, 0, max)) {
                if (!expiries.remove(device)) {
                    continue; // another gateway's sweeper took it
                }
                long userId = Long.parseLong(device.substring(0, device.indexOf('/')));
                if (liveDevices(userId) == 0) {
                    fanOut.publish(ChannelKeys.presenceTopic(userId), current(userId));
                    offline++;
                }
            }
        }
        return offline;
    }

    private RScoredSortedSet<String> expiries(long userId) {
        return redis.getScoredSortedSet(PresenceKeys.expiries(userId), StringCodec.INSTANCE);
    }

    private int liveDevices(long userId) {
        RScoredSortedSet<String> devices = devices(userId);
        long now = System.currentTimeMillis();
        devices.removeRangeByScore(Double.NEGATIVE_INFINITY, true, now, true);
        return devices.size();
    }

    private RScoredSortedSet<String> devices(long userId) {
        return redis.getScoredSortedSet(PresenceKeys.devices(userId), StringCodec.INSTANCE);
    }

    private RBucket<String> lastSeen(long userId) {
        return redis.getBucket(PresenceKeys.lastSeen(userId), StringCodec.INSTANCE);
    }
}
