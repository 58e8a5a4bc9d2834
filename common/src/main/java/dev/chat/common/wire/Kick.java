package dev.chat.common.wire;

/**
 * An operator disconnects a user ({@code chatctl kick}): published on the {@code memberships}
 * topic, every gateway closes the user's sockets (4002 with the reason). Not sent to clients.
 *
 * @param userId the user
 * @param reason why, shown as the close reason
 */
public record Kick(long userId, String reason) implements ServerEvent {
}
