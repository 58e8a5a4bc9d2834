package dev.chat.notifier;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import dev.chat.common.store.UserTables;
import dev.chat.common.store.PushTables;

/** The push subscriptions of channel members, read from PostgreSQL. Thread-safe. */
final class PushSubscriptions {

    private final DataSource db;

    PushSubscriptions(DataSource db) {
        this.db = db;
    }

    /**
     * One browser of a member of a channel.
     *
     * @param id          the subscription
     * @param userId      the member
     * @param channelId   the channel
     * @param channelName its name
     * @param channelType direct or group
     * @param endpoint    the Web Push URL, or the FCM/APNs device token
     * @param p256dh      the browser's public key (base64url; Web Push only)
     * @param auth        the browser's auth secret (base64url; Web Push only)
     * @param previews    whether notifications may include content
     * @param provider    webpush, fcm or apns (for the last two the endpoint is the device token)
     */
    record Subscription(UUID id, long userId, UUID channelId, String channelName, String channelType, String endpoint,
                        String p256dh, String auth, boolean previews, String provider) {
    }

    /** @return every subscription of every member of the channels */
    List<Subscription> ofMembers(Collection<UUID> channels) throws SQLException {
        try (Connection connection = db.getConnection();
             PreparedStatement select = connection.prepareStatement(PushTables.SUBSCRIPTIONS_OF_MEMBERS)) {
            Array ids = connection.createArrayOf("uuid", channels.toArray());
            select.setArray(1, ids);
            List<Subscription> found = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    found.add(new Subscription(row.getObject(1, UUID.class), row.getLong(2), row.getObject(3, UUID.class),
                            row.getString(4), row.getString(5), row.getString(6), row.getString(7), row.getString(8),
                            row.getBoolean(9), row.getString(10)));
                }
            }
            return found;
        }
    }

    /** @return the users' names */
    Map<Long, String> names(Collection<Long> users) throws SQLException {
        try (Connection connection = db.getConnection();
             PreparedStatement select = connection.prepareStatement(UserTables.NAMES)) {
            select.setArray(1, connection.createArrayOf("bigint", users.toArray()));
            Map<Long, String> names = new HashMap<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    names.put(row.getLong(1), row.getString(2));
                }
            }
            return names;
        }
    }

    /** Forgets a subscription its push service says is gone (404/410). */
    void delete(UUID id) throws SQLException {
        try (Connection connection = db.getConnection();
             PreparedStatement delete = connection.prepareStatement(PushTables.DELETE_SUBSCRIPTION)) {
            delete.setObject(1, id);
            delete.executeUpdate();
        }
    }
}
