package dev.chat.common.wire;

import java.util.UUID;

/**
 * A user left a channel or was removed from it; gateways stop delivering the channel to the
 * user's sockets at once and forget the membership.
 *
 * @param channelId the channel
 * @param userId    the former member
 */
public record MemberLeft(UUID channelId, long userId) implements ServerEvent {
}
