package dev.chat.chatctl;

import java.util.HashMap;
import java.util.Map;

import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.CassandraConnection;
import dev.chat.common.runtime.RedisConnection;
import dev.chat.common.runtime.ServiceConfig;
import io.helidon.config.Config;
import picocli.CommandLine.Option;

/**
 * Where chatctl finds the backing services: the services' own configuration
 * ({@code chat-common.yaml}, environment variables such as REDIS_ADDRESS, {@code CHAT_CONFIG}),
 * overridden by these flags. Shared by every command as a picocli mixin.
 */
final class BackendOptions {

    @Option(names = "--redis", paramLabel = "URL", description = "Redis address, e.g. redis://127.0.0.1:16379")
    private String redis;

    @Option(names = "--redis-cluster", paramLabel = "URL,...",
            description = "Redis Cluster seed nodes (instead of --redis), e.g. redis://127.0.0.1:17001")
    private String redisCluster;

    @Option(names = "--kafka", paramLabel = "HOST:PORT,...", description = "Kafka bootstrap servers")
    private String kafka;

    @Option(names = "--cassandra", paramLabel = "HOST:PORT,...", description = "Cassandra contact points")
    private String cassandra;

    @Option(names = "--postgres", paramLabel = "JDBC_URL", description = "PostgreSQL JDBC URL")
    private String postgres;

    /** @return the merged configuration */
    Config config() {
        Map<String, String> overrides = new HashMap<>();
        put(overrides, "redis.address", redis);
        put(overrides, "redis.cluster", redisCluster);
        put(overrides, "kafka.bootstrap", kafka);
        put(overrides, "cassandra.contactpoints", cassandra);
        put(overrides, "postgres.url", postgres);
        if (System.getenv("CHAT_PROFILE") == null) {
            // chatctl mostly drives the local stack; against production set CHAT_PROFILE and AUTH_SECRET
            overrides.put("chat.profile", "local");
        }
        return ServiceConfig.load(overrides);
    }

    /** @return validated backend settings */
    BackendSettings backends() {
        return BackendSettings.create(config());
    }

    /**
     * @return a Cassandra session that has answered a query
     * @throws ChatCtl.Unreachable naming where it looked, when Cassandra does not answer
     */
    CassandraConnection cassandra() {
        BackendSettings backends = backends();
        CassandraConnection cassandra = null;
        try {
            cassandra = CassandraConnection.open("chatctl", backends);
            cassandra.session().execute("SELECT release_version FROM system.local");
            return cassandra;
        } catch (RuntimeException e) {
            if (cassandra != null) {
                cassandra.close();
            }
            throw new ChatCtl.Unreachable("cannot reach Cassandra at " + backends.cassandraContactPoints()
                    + " (cassandra.contactpoints / CASSANDRA_CONTACTPOINTS / --cassandra): " + e.getMessage());
        }
    }

    /** Work done with a Redis connection. */
    interface RedisWork<T> {
        T apply(RedisConnection redis) throws InterruptedException;
    }

    /**
     * Runs the work with a Redis connection that is closed afterwards.
     *
     * @param work what to do
     * @return its result
     * @throws ChatCtl.Unreachable naming where it looked, when Redis does not answer
     * @throws InterruptedException if the work was interrupted
     */
    <T> T withRedis(RedisWork<T> work) throws InterruptedException {
        BackendSettings backends = backends();
        try (RedisConnection redis = RedisConnection.open("chatctl", backends)) {
            return work.apply(redis);
        } catch (org.redisson.client.RedisException e) {
            throw new ChatCtl.Unreachable("cannot reach Redis at " + backends.redisDescription()
                    + " (redis.address / REDIS_ADDRESS / --redis, redis.cluster / --redis-cluster): " + e.getMessage());
        }
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
