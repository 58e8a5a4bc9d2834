package dev.chat.common.wire;

/**
 * What a user may read or write changed in a way the gateways cannot apply incrementally (a block
 * was set or lifted): gateways drop what they cached about the user and reload it on next use.
 * Sent between services on the memberships topic only, never to clients.
 *
 * @param userId the user
 */
public record AccessChanged(long userId) implements ServerEvent {
}
