package dev.chat.common.runtime;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.helidon.config.Config;

/**
 * Where the backing services are, validated at start-up from {@code chat-common.yaml}.
 *
 * @param redisAddress          e.g. {@code redis://127.0.0.1:16379} (used when there is no cluster)
 * @param redisCluster          a Redis Cluster's seed nodes (empty: the single node above)
 * @param redisSharded          whether channel and presence Pub/Sub use sharded Pub/Sub
 * @param redisTimeout          connect and command timeout
 * @param redisThreads          Redisson's I/O threads (Pub/Sub listeners run on them)
 * @param kafkaBootstrap        comma-separated broker list
 * @param kafkaLingerMillis     how long the producer waits to batch concurrent sends (adds to the ack)
 * @param messagesTopic         topic of every chat message
 * @param deadLetterTopic       where the persister parks records it cannot store
 * @param cassandraContactPoints host:port list
 * @param cassandraDatacenter   local data center of the driver
 * @param cassandraKeyspace     keyspace of the message store
 * @param cassandraConsistency  consistency level of every read and write (LOCAL_QUORUM: with RF=3
 *                              an acked write is on two replicas and every read sees it)
 * @param postgresUrl           JDBC URL
 * @param postgresUsername      database user
 * @param postgresPassword      database password (may be empty)
 * @param postgresPoolSize      connection pool size
 */
public record BackendSettings(String redisAddress,
                              List<String> redisCluster,
                              boolean redisSharded,
                              Duration redisTimeout,
                              int redisThreads,
                              String kafkaBootstrap,
                              int kafkaLingerMillis,
                              String messagesTopic,
                              String deadLetterTopic,
                              List<String> cassandraContactPoints,
                              String cassandraDatacenter,
                              String cassandraKeyspace,
                              String cassandraConsistency,
                              String postgresUrl,
                              String postgresUsername,
                              String postgresPassword,
                              int postgresPoolSize) {

    /**
     * @param config the service's configuration root
     * @return validated settings
     * @throws IllegalStateException naming the first missing or bad key
     */
    public static BackendSettings create(Config config) {
        String redis = redisUrl("redis.address (REDIS_ADDRESS)", ServiceConfig.required(config, "redis.address"));
        List<String> cluster = Arrays.stream(config.get("redis.cluster").asString().orElse("").split(","))
                .map(String::strip).filter(s -> !s.isEmpty())
                .map(node -> redisUrl("redis.cluster (REDIS_CLUSTER)", node)).toList();
        return new BackendSettings(redis, cluster,
                config.get("redis.sharded").asBoolean().orElse(false),
                Duration.ofMillis(ServiceConfig.positiveInt(config, "redis.timeoutmillis", 3000)),
                ServiceConfig.positiveInt(config, "redis.threads", 2 * Runtime.getRuntime().availableProcessors()),
                ServiceConfig.required(config, "kafka.bootstrap"),
                ServiceConfig.intBetween(config, "kafka.lingermillis", 20, 0, 1000),
                ServiceConfig.required(config, "kafka.topic"),
                ServiceConfig.required(config, "kafka.deadlettertopic"),
                Arrays.stream(ServiceConfig.required(config, "cassandra.contactpoints").split(","))
                        .map(String::strip).filter(s -> !s.isEmpty()).toList(),
                ServiceConfig.required(config, "cassandra.datacenter"),
                ServiceConfig.required(config, "cassandra.keyspace"),
                consistency(config.get("cassandra.consistency").asString().orElse("LOCAL_QUORUM")),
                ServiceConfig.required(config, "postgres.url"),
                ServiceConfig.required(config, "postgres.username"),
                config.get("postgres.password").asString().orElse(""),
                ServiceConfig.positiveInt(config, "postgres.poolsize", 8));
    }

    /** @return where Redis is, for messages: the cluster's seeds or the single node */
    public String redisDescription() {
        return redisCluster.isEmpty() ? redisAddress : "cluster " + String.join(",", redisCluster);
    }

    private static String consistency(String value) {
        // named here, not through the driver: services without Cassandra (notifier) read these settings too
        List<String> levels = List.of("ONE", "TWO", "THREE", "QUORUM", "ALL", "LOCAL_ONE", "LOCAL_QUORUM", "EACH_QUORUM");
        if (!levels.contains(value.strip())) {
            throw new IllegalStateException("Configuration 'cassandra.consistency' (CASSANDRA_CONSISTENCY) must be one of "
                    + levels + ", was '" + value + "'");
        }
        return value.strip();
    }

    private static String redisUrl(String key, String value) {
        if (!value.startsWith("redis://") && !value.startsWith("rediss://")) {
            throw new IllegalStateException("Configuration '" + key + "' must start with redis:// or rediss://, was '"
                    + value + "'");
        }
        return value;
    }
}
