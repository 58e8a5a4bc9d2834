package dev.chat.common.channel;

import java.util.UUID;

/**
 * Every Redis name the services share, in one place. A channel's keys and its Pub/Sub topic carry
 * the hash tag {@code {<channel_id>}}, so the per-channel step (sequence state, recovery log, send
 * entries, publish) touches one node of a Redis Cluster.
 */
public final class ChannelKeys {

    /** Cluster-wide topic of membership changes, which every gateway follows. */
    public static final String MEMBERSHIPS = "memberships";

    private ChannelKeys() {
    }

    /** The start of every presence topic's name. */
    public static final String PRESENCE_TOPIC_PREFIX = "presence:";

    /**
     * @param channelId a channel
     * @return its Pub/Sub topic: every event its members' sockets receive
     */
    public static String topic(UUID channelId) {
        return "channel:{" + channelId + "}";
    }

    /**
     * @param channelId a channel
     * @return its sequence state (hash: epoch, seq, and the time of its last event)
     */
    public static String state(UUID channelId) {
        return "channel:{" + channelId + "}:state";
    }

    /**
     * @param channelId a channel
     * @return its recovery log (a stream whose entry ids are the events' seq)
     */
    public static String log(UUID channelId) {
        return "channel:{" + channelId + "}:log";
    }

    /**
     * @param channelId a channel
     * @param senderId  the sender
     * @param clientId  the sender's idempotency key
     * @return the send entry of that send (its position, with a TTL)
     */
    public static String send(UUID channelId, long senderId, String clientId) {
        return "channel:{" + channelId + "}:send:" + senderId + ":" + clientId;
    }

    /**
     * The state of a recent message that its changes are decided on (sender, deleted, reactions;
     * with a TTL). Named by the message's time, which is unique within its channel (the
     * per-channel step mints a strictly increasing one), as the Lua script names it at the send.
     *
     * @param channelId a channel
     * @param messageId one of its messages (a TIMEUUID)
     * @return the key of the message's state
     */
    public static String message(UUID channelId, UUID messageId) {
        long unix100ns = dev.chat.common.store.TimeUuids.unixTime100ns(messageId);
        return "channel:{" + channelId + "}:msg:" + Math.floorDiv(unix100ns, 10_000_000L) + "."
                + Math.floorMod(unix100ns, 10_000_000L);
    }

    /**
     * @param channelId a channel
     * @param userId    a member
     * @return the messages of the channel that mention the member, since their read position (a
     *         sorted set by message time, in milliseconds)
     */
    public static String mentions(UUID channelId, long userId) {
        return "channel:{" + channelId + "}:mentions:" + userId;
    }

    /**
     * @param userId a user
     * @return the Pub/Sub topic of their presence changes
     */
    public static String presenceTopic(long userId) {
        return PRESENCE_TOPIC_PREFIX + userId;
    }
}
