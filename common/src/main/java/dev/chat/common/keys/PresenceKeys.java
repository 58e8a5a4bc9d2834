package dev.chat.common.keys;

/**
 * The Redis keys of presence, written by the gateway and read by the api and chatctl:
 * {@code presence:devices:<user>} (sorted set of live connections scored by expiry, epoch millis),
 * {@code presence:last_seen:<user>} (epoch millis of the last sign of life), and
 * {@code presence:expiries:<n>} (every live device of the users whose id is n modulo
 * {@link #EXPIRY_SHARDS}, {@code <user>/<device>} scored by expiry: how a sweeper finds the devices
 * of a gateway that died). Each key has its own name to hash, so in a Redis Cluster a user's keys
 * spread by user and the expiry index over {@value #EXPIRY_SHARDS} keys instead of one hot key
 * taking every heartbeat.
 */
public final class PresenceKeys {

    /** How many keys the expiry index is split over. */
    public static final int EXPIRY_SHARDS = 16;

    private PresenceKeys() {
    }

    /**
     * @param userId a user
     * @return the key of their live devices
     */
    public static String devices(long userId) {
        return "presence:devices:" + userId;
    }

    /**
     * @param userId a user
     * @return the expiry index shard that holds their devices
     */
    public static String expiries(long userId) {
        return expiryShard(Math.floorMod(userId, EXPIRY_SHARDS));
    }

    /**
     * @param shard 0 to {@link #EXPIRY_SHARDS} - 1
     * @return that shard's key
     */
    public static String expiryShard(int shard) {
        return "presence:expiries:" + shard;
    }

    /**
     * @param userId a user
     * @return the key of their last-seen time
     */
    public static String lastSeen(long userId) {
        return "presence:last_seen:" + userId;
    }
}
