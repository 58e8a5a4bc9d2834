package dev.chat.common.wire;

import java.util.UUID;

/**
 * Someone is typing (or stopped); shown until {@code expiresInMs} passes without a refresh.
 *
 * @param channelId   the channel
 * @param userId      who types
 * @param state       start or stop
 * @param expiresInMs how long a client shows it without a new start
 */
public record TypingEvent(UUID channelId, long userId, String state, long expiresInMs) implements ServerEvent {
}
