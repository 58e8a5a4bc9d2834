package dev.chat.common.wire;

import java.util.List;
import java.util.UUID;

/**
 * Sent once after the upgrade: where each of the user's channels stands, so a client that
 * reconnects knows at once which channels to resume.
 *
 * @param userId      the authenticated user
 * @param channels    each channel's current epoch and seq
 * @param heartbeatMs how often the client should send {@code heartbeat}
 */
public record Hello(long userId, List<ChannelHead> channels, long heartbeatMs) implements ServerEvent {

    /**
     * A channel's current position.
     *
     * @param channelId the channel
     * @param epoch     its sequence (null while it has had no event, or after its state was lost)
     * @param seq          its latest seq (0 when none)
     * @param mentionCount messages that mention the user since their read position
     */
    public record ChannelHead(UUID channelId, String epoch, long seq, int mentionCount) {
    }
}
