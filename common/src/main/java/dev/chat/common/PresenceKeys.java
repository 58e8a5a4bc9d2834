package dev.chat.common;

/**
 * The Redis keys of presence, written by the gateway and read by the api and chatctl:
 * {@code presence:devices:<user>} (sorted set of live connections scored by expiry, epoch millis)
 * and {@code presence:last_seen:<user>} (epoch millis of the last sign of life).
 */
public final class PresenceKeys {

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
     * @return the key of their last-seen time
     */
    public static String lastSeen(long userId) {
        return "presence:last_seen:" + userId;
    }
}
