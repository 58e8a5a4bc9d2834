package dev.chat.common.wire;

import java.util.UUID;

/**
 * A resume that the recovery log cannot serve (another epoch, or older than its window): page
 * {@code GET /api/v1/channels/{id}/messages?after_id=} and adopt this epoch and seq.
 *
 * @param channelId the channel
 * @param epoch     its current sequence (null when it has none)
 * @param seq       its latest seq
 */
public record Resync(UUID channelId, String epoch, long seq) implements ServerEvent {
}
