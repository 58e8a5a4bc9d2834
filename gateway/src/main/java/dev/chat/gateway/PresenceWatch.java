package dev.chat.gateway;

import java.util.List;

import dev.chat.common.ChannelKeys;
import dev.chat.common.wire.Json;

/** Lets a socket watch users' presence: their current state now, their changes from then on. Thread-safe. */
final class PresenceWatch {

    private final ConnectionRegistry registry;
    private final Presence presence;

    PresenceWatch(ConnectionRegistry registry, Presence presence) {
        this.registry = registry;
        this.presence = presence;
    }

    /**
     * @param connection the watching socket
     * @param userIds    the users to watch
     */
    void watch(Connection connection, List<Long> userIds) {
        for (long watched : userIds) {
            registry.listen(connection, ChannelKeys.presenceTopic(watched));
            connection.outbox().send(Json.encode(presence.current(watched)), true);
        }
    }
}
