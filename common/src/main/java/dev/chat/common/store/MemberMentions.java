package dev.chat.common.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import dev.chat.common.channel.Mentions;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * {@link Mentions} from PostgreSQL: {@code @name} is looked up among the channel's members (one
 * query, only for a content with an {@code @}); {@code @channel} mentions every member when the
 * sender is the group's owner or an administrator, at most once per channel per
 * {@link #EVERYONE_INTERVAL} (a Redis key with that TTL: any instance may take the send), else it
 * is plain text. Thread-safe.
 */
public final class MemberMentions implements Mentions {

    /** How often a channel may be mentioned as a whole. */
    public static final Duration EVERYONE_INTERVAL = Duration.ofMinutes(1);

    private final DataSource db;
    private final Set<Long> admins;
    private final RedissonClient redis;

    /**
     * @param db     PostgreSQL
     * @param admins administrators ({@code api.admins}), who may mention any channel as a whole
     * @param redis  where the {@code @channel} interval is kept
     */
    public MemberMentions(DataSource db, Set<Long> admins, RedissonClient redis) {
        this.db = db;
        this.admins = Set.copyOf(admins);
        this.redis = redis;
    }

    @Override
    public List<Long> of(UUID channelId, long senderId, String content) {
        Named named = Named.in(content);
        if (named.none()) {
            return List.of();
        }
        Set<Long> found = new LinkedHashSet<>();
        try (Connection connection = db.getConnection()) {
            if (!named.names().isEmpty()) {
                try (PreparedStatement select = connection.prepareStatement(ChannelTables.MEMBERS_NAMED)) {
                    Array names = connection.createArrayOf("text", named.names().toArray());
                    select.setObject(1, channelId);
                    select.setArray(2, names);
                    select.setLong(3, senderId);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            found.add(rows.getLong(1));
                        }
                    }
                }
            }
            if (named.everyone() && mayMentionEveryone(connection, channelId, senderId) && everyoneAllowedNow(channelId)) {
                try (PreparedStatement select = connection.prepareStatement(ChannelTables.OTHER_MEMBERS)) {
                    select.setObject(1, channelId);
                    select.setLong(2, senderId);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            found.add(rows.getLong(1));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("resolving mentions: " + e.getMessage(), e);
        }
        return new ArrayList<>(found);
    }

    private boolean mayMentionEveryone(Connection connection, UUID channelId, long senderId) throws SQLException {
        if (admins.contains(senderId)) {
            return true;
        }
        try (PreparedStatement select = connection.prepareStatement(ChannelTables.OWNER)) {
            select.setObject(1, channelId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() && rows.getLong(1) == senderId && !rows.wasNull();
            }
        }
    }

    /** @return true for the first {@code @channel} of the interval (it takes the interval) */
    private boolean everyoneAllowedNow(UUID channelId) {
        return redis.getBucket("channel:{" + channelId + "}:everyone", StringCodec.INSTANCE)
                .setIfAbsent("1", EVERYONE_INTERVAL);
    }
}
