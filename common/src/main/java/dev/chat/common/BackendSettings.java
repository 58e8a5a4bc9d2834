package dev.chat.common;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.helidon.config.Config;

/**
 * Where the backing services are, validated at start-up from {@code chat-common.yaml}.
 *
 * @param redisAddress          e.g. {@code redis://127.0.0.1:16379}
 * @param redisTimeout          connect and command timeout
 * @param kafkaBootstrap        comma-separated broker list
 * @param messagesTopic         topic of every chat message
 * @param deadLetterTopic       where the persister parks records it cannot store
 * @param cassandraContactPoints host:port list
 * @param cassandraDatacenter   local data center of the driver
 * @param cassandraKeyspace     keyspace of the message store
 * @param postgresUrl           JDBC URL
 * @param postgresUsername      database user
 * @param postgresPassword      database password (may be empty)
 * @param postgresPoolSize      connection pool size
 */
public record BackendSettings(String redisAddress,
                              Duration redisTimeout,
                              String kafkaBootstrap,
                              String messagesTopic,
                              String deadLetterTopic,
                              List<String> cassandraContactPoints,
                              String cassandraDatacenter,
                              String cassandraKeyspace,
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
        String redis = ServiceConfig.required(config, "redis.address");
        if (!redis.startsWith("redis://") && !redis.startsWith("rediss://")) {
            throw new IllegalStateException("Configuration 'redis.address' (REDIS_ADDRESS) must start with redis://"
                    + " or rediss://, was '" + redis + "'");
        }
        return new BackendSettings(redis,
                Duration.ofMillis(ServiceConfig.positiveInt(config, "redis.timeoutmillis", 3000)),
                ServiceConfig.required(config, "kafka.bootstrap"),
                ServiceConfig.required(config, "kafka.topic"),
                ServiceConfig.required(config, "kafka.deadlettertopic"),
                Arrays.stream(ServiceConfig.required(config, "cassandra.contactpoints").split(","))
                        .map(String::strip).filter(s -> !s.isEmpty()).toList(),
                ServiceConfig.required(config, "cassandra.datacenter"),
                ServiceConfig.required(config, "cassandra.keyspace"),
                ServiceConfig.required(config, "postgres.url"),
                ServiceConfig.required(config, "postgres.username"),
                config.get("postgres.password").asString().orElse(""),
                ServiceConfig.positiveInt(config, "postgres.poolsize", 8));
    }
}
