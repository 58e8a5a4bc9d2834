package dev.chat.common;

/**
 * The Redis keys of presence, written by the gateway and read by the api and chatctl:
 * {@code presence:devices:<user>} (sorted set of live connections scored by expiry, epoch millis),
 * {@code presence:last_seen:<user>} (epoch millis of the last sign of life), and
 * {@code presence:expiries} (every live device of every user, {@code <user>/<device>} scored by
 * expiry: how a sweeper finds the devices of a gateway that died).
 */
public final class PresenceKeys {

    /** Every device of every user by expiry (see the class comment). */
    public static final String EXPIRIES = "presence:expiries";

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
