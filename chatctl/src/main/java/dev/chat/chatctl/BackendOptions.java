package dev.chat.chatctl;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.ServiceConfig;
import dev.chat.localstack.StackSettings;
import io.helidon.config.Config;
import picocli.CommandLine.Option;

/**
 * Where chatctl finds the backing services: the services' own configuration
 * ({@code chat-common.yaml}, environment variables such as REDIS_ADDRESS, {@code CHAT_CONFIG}),
 * overridden by these flags. When neither says where Redis is and the local stack runs its
 * services on a Redis Cluster ({@code chatctl up --redis-cluster}, recorded in its state
 * directory), chatctl uses that cluster too. A picocli mixin, part of {@link OperatorOptions}.
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
        if (redis == null && redisCluster == null && System.getenv("REDIS_ADDRESS") == null
                && System.getenv("REDIS_CLUSTER") == null) {
            // a local stack started with --redis-cluster: its services use the cluster, so must chatctl
            List<String> cluster = UpState.runningRedisCluster(StackSettings.load().dir());
            if (!cluster.isEmpty()) {
                overrides.put("redis.cluster", String.join(",", cluster));
                overrides.put("redis.sharded", "true");
            }
        }
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

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
