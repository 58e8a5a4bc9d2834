package dev.chat.gateway;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chat.common.auth.Tokens;
import dev.chat.common.channel.ChannelKeys;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.CassandraConnection;
import dev.chat.common.runtime.RedisConnection;
import dev.chat.common.runtime.ServiceConfig;
import dev.chat.common.wire.AccessChanged;
import dev.chat.common.wire.Json;
import dev.chat.localstack.LocalStack;
import dev.chat.localstack.StackEndpoints;
import io.helidon.config.Config;
import org.redisson.client.codec.StringCodec;

/**
 * Test data on the real local stack: users and channels in PostgreSQL (unique names per test),
 * tokens, configuration for in-process services, and reads of what the persister stored.
 */
final class Fixtures implements AutoCloseable {

    private final StackEndpoints endpoints;
    private final Tokens tokens;
    private final CassandraConnection cassandra;

    /** Fixtures whose service configuration uses the stack's single Redis node. */
    Fixtures() {
        this(false);
    }

    /** @param sharded whether services use the stack's Redis Cluster with sharded Pub/Sub */
    Fixtures(boolean sharded) {
        StackEndpoints stack = LocalStack.shared().endpoints();
        this.endpoints = sharded ? stack.onRedisCluster() : stack;
        this.tokens = Tokens.create(config(Map.of()));
        this.cassandra = CassandraConnection.open("test", BackendSettings.create(config(Map.of())));
    }

    /** @return the endpoints services are configured with */
    StackEndpoints endpoints() {
        return endpoints;
    }

    /** Configuration of a service on the local stack, on a free port, with overrides. */
    Config config(Map<String, String> overrides) {
        Map<String, String> all = new HashMap<>(endpoints.serviceConfig());
        all.put("server.port", "0");
        all.putAll(overrides);
        return ServiceConfig.load(all);
    }

    long user(String name) {
        String unique = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection db = db();
             PreparedStatement insert = db.prepareStatement("INSERT INTO users (name) VALUES (?) RETURNING id")) {
            insert.setString(1, unique);
            ResultSet id = insert.executeQuery();
            id.next();
            return id.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    UUID channel(String type, long... members) {
        UUID id = UUID.randomUUID();
        try (Connection db = db()) {
            try (PreparedStatement insert = db.prepareStatement(
                    "INSERT INTO channels (id, name, type, created_by) VALUES (?, ?, ?, ?)")) {
                insert.setObject(1, id);
                insert.setString(2, type + "-" + id);
                insert.setString(3, type);
                insert.setLong(4, members[0]);
                insert.executeUpdate();
            }
            for (long member : members) {
                addMember(db, id, member);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

    void addMember(UUID channel, long user) {
        try (Connection db = db()) {
            addMember(db, channel, user);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sets ({@code blocked} true) or lifts a block and tells the gateways, as the api does.
     */
    void block(long blocker, long blockedUser, boolean blocked) {
        try (Connection db = db();
             PreparedStatement change = db.prepareStatement(blocked
                     ? "INSERT INTO user_blocks (blocker_id, blocked_id) VALUES (?, ?) ON CONFLICT DO NOTHING"
                     : "DELETE FROM user_blocks WHERE blocker_id = ? AND blocked_id = ?")) {
            change.setLong(1, blocker);
            change.setLong(2, blockedUser);
            change.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        try (RedisConnection redis = RedisConnection.open("test", BackendSettings.create(config(Map.of())))) {
            for (long user : new long[] {blocker, blockedUser}) {
                redis.client().getTopic(ChannelKeys.MEMBERSHIPS, StringCodec.INSTANCE).publish(Json.encode(new AccessChanged(user)));
            }
        }
    }

    /** Removes a member and tells the gateways, as the api does. */
    void removeMember(UUID channel, long user) {
        try (Connection db = db();
             PreparedStatement delete = db.prepareStatement("DELETE FROM channel_members WHERE channel_id = ? AND user_id = ?")) {
            delete.setObject(1, channel);
            delete.setLong(2, user);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        try (RedisConnection redis = RedisConnection.open("test", BackendSettings.create(config(Map.of())))) {
            String event = Json.encode(new dev.chat.common.wire.MemberLeft(channel, user));
            redis.client().getTopic(ChannelKeys.topic(channel), StringCodec.INSTANCE).publish(event);
            redis.client().getTopic(ChannelKeys.MEMBERSHIPS, StringCodec.INSTANCE).publish(event);
        }
    }

    String token(long userId) {
        return tokens.issue(userId, Duration.ofHours(1));
    }

    Tokens tokens() {
        return tokens;
    }

    CqlSession cassandra() {
        return cassandra.session();
    }

    /** @return the message_ids stored for a channel (all buckets this test can produce: now ± 1) */
    List<UUID> storedMessageIds(UUID channel) {
        int bucket = dev.chat.common.store.MessageBuckets.of(java.time.Instant.now());
        return cassandra.session().execute("SELECT message_id FROM messages_by_channel WHERE channel_id = ?"
                        + " AND bucket IN (?, ?, ?)", channel, bucket - 1, bucket, bucket + 1)
                .all().stream().map((Row r) -> r.getUuid("message_id")).toList();
    }

    private Connection db() throws SQLException {
        return DriverManager.getConnection(endpoints.postgresUrl(), endpoints.postgresUser(), "");
    }

    private static void addMember(Connection db, UUID channel, long user) throws SQLException {
        try (PreparedStatement insert = db.prepareStatement(
                "INSERT INTO channel_members (channel_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            insert.setObject(1, channel);
            insert.setLong(2, user);
            insert.executeUpdate();
        }
    }

    @Override
    public void close() {
        cassandra.close();
    }
}
