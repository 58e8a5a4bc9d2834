package dev.chat.gateway;

import java.util.List;

import dev.chat.common.channel.ChannelKeys;
import dev.chat.common.wire.ErrorCode;
import dev.chat.common.wire.ErrorFrame;
import dev.chat.common.wire.Json;

/**
 * Lets a socket watch users' presence: their current state now, their changes from then on. Only
 * users who share a channel with the watcher (or the watcher themself), and at most a configured
 * number per socket in total. Thread-safe.
 */
final class PresenceWatch {

    private final ConnectionRegistry registry;
    private final Presence presence;
    private final Memberships memberships;
    private final int maxWatched;

    PresenceWatch(ConnectionRegistry registry, Presence presence, Memberships memberships, int maxWatched) {
        this.registry = registry;
        this.presence = presence;
        this.memberships = memberships;
        this.maxWatched = maxWatched;
    }

    /**
     * @param connection the watching socket
     * @param userIds    the users to watch
     * @return an error to send (nothing is watched then), or null
     */
    ErrorFrame watch(Connection connection, List<Long> userIds) {
        if (connection.watchedUsers() + userIds.size() > maxWatched) {
            return new ErrorFrame(ErrorCode.TOO_LARGE, "a socket watches at most " + maxWatched + " users' presence", null);
        }
        List<Long> strangers = userIds.stream()
                .filter(watched -> watched != connection.userId() && !memberships.shareChannel(connection.userId(), watched))
                .toList();
        if (!strangers.isEmpty()) {
            return new ErrorFrame(ErrorCode.NOT_ALLOWED, "presence is shown only for users who share a channel with you; not "
                    + strangers, null);
        }
        for (long watched : userIds) {
            registry.listen(connection, ChannelKeys.presenceTopic(watched));
            connection.outbox().send(Json.encode(presence.current(watched)), true);
        }
        return null;
    }
}
