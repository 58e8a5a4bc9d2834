package dev.chat.common.wire;

/**
 * An operator drains a gateway ({@code chatctl drain}): published on the {@code memberships}
 * topic; the gateway of that name turns its readiness off, closes its sockets with 1012 (service
 * restart) spread over the window, and exits. Not sent to clients.
 *
 * @param gateway      the gateway's name (as {@code chatctl connections} lists it)
 * @param windowMillis how long to spread the reconnects over (null: the gateway's own setting)
 */
public record Drain(String gateway, Long windowMillis) implements ServerEvent {
}
