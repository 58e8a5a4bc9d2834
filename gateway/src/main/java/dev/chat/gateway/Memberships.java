package dev.chat.gateway;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.zaxxer.hikari.HikariDataSource;
import dev.chat.common.BackendSettings;
import dev.chat.common.ReadinessCheck;
import dev.chat.common.PostgresPool;
import io.helidon.health.HealthCheck;

/**
 * Which channels a user is in, read from PostgreSQL ({@code channel_members}) and cached per user.
 * The cache learns about joins from the {@code memberships} topic ({@link #joined}) and expires
 * after a configured time as a safety net. A "no" is answered from a load younger than
 * {@link #NEGATIVE_TTL}, so frames for channels the user is not in do not each cost a query.
 * Owns its connection pool. Thread-safe.
 */
final class Memberships implements AutoCloseable {

    /** How long a load that did not contain a channel answers "not a member" without reloading. */
    static final Duration NEGATIVE_TTL = Duration.ofSeconds(2);

    private static final String CHANNELS_OF_USER = "SELECT channel_id FROM channel_members WHERE user_id = ?";

    private final HikariDataSource pool;
    private final Duration ttl;
    private final Map<Long, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Set<UUID> channels, long loadedAtNanos) {
    }

    private Memberships(HikariDataSource pool, Duration ttl) {
        this.pool = pool;
        this.ttl = ttl;
    }

    static Memberships open(BackendSettings backends, GatewaySettings settings) {
        return new Memberships(PostgresPool.create("gateway-postgres", backends), settings.membershipCacheTtl());
    }

    /**
     * @param userId a user
     * @return the channels they are a member of
     */
    Set<UUID> channelsOf(long userId) {
        Cached cached = cache.get(userId);
        if (cached != null && System.nanoTime() - cached.loadedAtNanos() < ttl.toNanos()) {
            return cached.channels();
        }
        return load(userId);
    }

    /**
     * @param channelId a channel
     * @param userId    a user
     * @return whether the user is a member (a "no" is re-checked against the database at most every 2 s)
     */
    boolean isMember(UUID channelId, long userId) {
        Cached cached = cache.get(userId);
        if (cached != null) {
            long age = System.nanoTime() - cached.loadedAtNanos();
            if (age < ttl.toNanos() && cached.channels().contains(channelId)) {
                return true;
            }
            if (age < NEGATIVE_TTL.toNanos()) {
                return false;
            }
        }
        return load(userId).contains(channelId);
    }

    /**
     * @param a a user
     * @param b another user
     * @return whether they are members of at least one common channel
     */
    boolean shareChannel(long a, long b) {
        Set<UUID> theirs = channelsOf(b);
        return channelsOf(a).stream().anyMatch(theirs::contains);
    }

    /**
     * A user joined a channel (the api's membership event).
     *
     * @param channelId the channel
     * @param userId    the new member
     */
    void joined(UUID channelId, long userId) {
        cache.computeIfPresent(userId, (id, cached) -> {
            Set<UUID> channels = new HashSet<>(cached.channels());
            channels.add(channelId);
            return new Cached(Set.copyOf(channels), cached.loadedAtNanos());
        });
    }

    HealthCheck health() {
        return new ReadinessCheck("postgres", () -> {
            try (Connection connection = pool.getConnection()) {
                return connection.isValid(2);
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
    }

    private Set<UUID> load(long userId) {
        Set<UUID> channels = new HashSet<>();
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement(CHANNELS_OF_USER)) {
            statement.setLong(1, userId);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    channels.add(rows.getObject(1, UUID.class));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read memberships of user " + userId + ": " + e.getMessage(), e);
        }
        Set<UUID> result = Set.copyOf(channels);
        cache.put(userId, new Cached(result, System.nanoTime()));
        return result;
    }

    @Override
    public void close() {
        pool.close();
    }
}
