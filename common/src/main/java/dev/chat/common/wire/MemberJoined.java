package dev.chat.common.wire;

import java.util.UUID;

/**
 * A user was added to a channel; gateways also refresh their membership cache on it.
 *
 * @param channelId the channel
 * @param userId    the new member
 */
public record MemberJoined(UUID channelId, long userId) implements ServerEvent {
}
