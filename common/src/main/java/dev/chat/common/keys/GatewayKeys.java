package dev.chat.common.keys;

/**
 * The Redis names of the gateway directory: every running gateway reports itself every few
 * seconds in {@code gateway:<name>} (a hash with a TTL: its instance id, address, sockets, users,
 * whether it drains, when it started and last reported) and in {@code gateways} (a sorted set of
 * names scored by the last report), which {@code chatctl connections} and {@code chatctl drain}
 * read.
 */
public final class GatewayKeys {

    /** Every gateway's name, scored by the epoch millis of its last report. */
    public static final String ALL = "gateways";

    private GatewayKeys() {
    }

    /**
     * @param name a gateway's name
     * @return its report
     */
    public static String report(String name) {
        return "gateway:" + name;
    }
}
