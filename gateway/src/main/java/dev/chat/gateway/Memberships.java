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

import dev.chat.common.store.ChannelTables;
import dev.chat.common.runtime.ReadinessCheck;
import io.helidon.health.HealthCheck;

/**
 * Which channels a user is in, read from PostgreSQL ({@code channel_write_access}: each membership
 * and whether it is read-only) and cached per user. The cache learns about joins from the
 * {@code memberships} topic ({@link #joined}) and expires after a configured time as a safety net.
 * A "no" is answered from a load younger than {@link #NEGATIVE_TTL}, so frames for channels the
 * user is not in do not each cost a query. The same load says which direct channels a block has
 * made read-only; a block dropped or lifted arrives as {@code access_changed} ({@link #forget}).
 * Owns its connection pool. Thread-safe.
 */
final class Memberships implements dev.chat.common.channel.SendPath.Access {

    /** How long a load that did not contain a channel answers "not a member" without reloading. */
    static final Duration NEGATIVE_TTL = Duration.ofSeconds(2);

    private final javax.sql.DataSource pool;
    private final Duration ttl;
    private final Map<Long, Cached> cache = new ConcurrentHashMap<>();
    private final GatewayMetrics metrics;

    /** A user's channels, and those of them they may read but not write (a block in a direct channel). */
    private record Cached(Set<UUID> channels, Set<UUID> readOnly, long loadedAtNanos) {
    }

    /**
     * @param pool    PostgreSQL (not owned)
     * @param ttl     how long a user's memberships are cached
     * @param metrics counts loads
     */
    Memberships(javax.sql.DataSource pool, Duration ttl, GatewayMetrics metrics) {
        this.pool = pool;
        this.ttl = ttl;
        this.metrics = metrics;
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
    @Override
    public boolean isMember(UUID channelId, long userId) {
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
     * @param channelId a channel the user is a member of
     * @param userId    the user
     * @return whether they may only read it: a direct channel in which one member blocks the other
     */
    @Override
    public boolean readOnly(UUID channelId, long userId) {
        Cached cached = cache.get(userId);
        return (cached != null ? cached : loadCached(userId)).readOnly().contains(channelId);
    }

    /**
     * What the user may read or write changed (a block): forget it, the next use reloads it.
     *
     * @param userId the user
     */
    void forget(long userId) {
        cache.remove(userId);
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
        updateChannels(userId, channels -> channels.add(channelId));
    }

    /**
     * PostgreSQL as the gateway sees it: reported, but it does not make the gateway unready,
     * because sends need only Redis and Kafka (memberships come from the cache).
     */
    /**
     * A user left a channel (the api's membership event): the cache stops answering "member" at once.
     *
     * @param channelId the channel
     * @param userId    the former member
     */
    void left(UUID channelId, long userId) {
        updateChannels(userId, channels -> channels.remove(channelId));
    }

    /** Changes a cached channel list in place of reloading it (a user not cached is loaded on next use). */
    private void updateChannels(long userId, java.util.function.Consumer<Set<UUID>> change) {
        cache.computeIfPresent(userId, (id, cached) -> {
            Set<UUID> channels = new HashSet<>(cached.channels());
            change.accept(channels);
            return new Cached(Set.copyOf(channels), cached.readOnly(), cached.loadedAtNanos());
        });
    }

    HealthCheck health() {
        return ReadinessCheck.informational("postgres", () -> {
            try (Connection connection = pool.getConnection()) {
                return connection.isValid(2);
            } catch (SQLException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }, "new sockets, and frames of users whose channels are not cached");
    }

    private Set<UUID> load(long userId) {
        return loadCached(userId).channels();
    }

    private Cached loadCached(long userId) {
        metrics.membershipLoaded();
        Set<UUID> channels = new HashSet<>();
        Set<UUID> readOnly = new HashSet<>();
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement(ChannelTables.WRITE_ACCESS_OF_USER)) {
            statement.setLong(1, userId);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    UUID channel = rows.getObject(1, UUID.class);
                    channels.add(channel);
                    if (rows.getBoolean(2)) {
                        readOnly.add(channel);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read memberships of user " + userId + ": " + e.getMessage(), e);
        }
        Cached cached = new Cached(Set.copyOf(channels), Set.copyOf(readOnly), System.nanoTime());
        cache.put(userId, cached);
        return cached;
    }
}
