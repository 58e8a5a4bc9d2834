package dev.chat.common.wire;

import java.util.UUID;

/**
 * The end of a resume: every event after the client's {@code after_seq} up to {@code seq} was sent
 * just before this frame, and the channel's live events continue from here without a gap.
 *
 * @param channelId the channel
 * @param epoch     its sequence
 * @param seq       the last seq sent
 */
public record Resumed(UUID channelId, String epoch, long seq) implements ServerEvent {
}
