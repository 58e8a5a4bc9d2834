package dev.chat.common.wire;

import java.time.Instant;

/**
 * A user came online or went offline.
 *
 * @param userId     the user
 * @param status     online or offline
 * @param lastSeenAt their last sign of life (null if never seen)
 */
public record PresenceEvent(long userId, String status, Instant lastSeenAt) implements ServerEvent {
}
