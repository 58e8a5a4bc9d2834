package dev.chat.localstack;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the running local stack can be reached, in the form the services' configuration expects.
 *
 * @param redisAddress          e.g. {@code redis://127.0.0.1:16379}
 * @param redisCluster          the Redis Cluster's masters (empty when the stack runs none)
 * @param sharded               whether services are pointed at the cluster with sharded Pub/Sub
 * @param kafkaBootstrap        e.g. {@code 127.0.0.1:19092}
 * @param cassandraContactPoint e.g. {@code 127.0.0.1:19042}
 * @param cassandraDatacenter   local data center name
 * @param postgresUrl           JDBC URL of the chat database
 * @param postgresUser          database user (the local stack trusts loopback: no password)
 * @param s3Endpoint            the S3-compatible store for uploads, e.g. {@code http://127.0.0.1:19000}
 */
public record StackEndpoints(String redisAddress,
                             List<String> redisCluster,
                             boolean sharded,
                             String kafkaBootstrap,
                             String cassandraContactPoint,
                             String cassandraDatacenter,
                             String postgresUrl,
                             String postgresUser,
                             String s3Endpoint) {

    static StackEndpoints of(StackSettings settings) {
        return new StackEndpoints("redis://127.0.0.1:" + settings.redisPort(),
                settings.redisCluster() ? RedisCluster.addresses(settings) : List.of(), false,
                "127.0.0.1:" + settings.kafkaPort(),
                "127.0.0.1:" + settings.cassandraPort(),
                CassandraNode.DATACENTER,
                "jdbc:postgresql://127.0.0.1:" + settings.postgresPort() + "/" + PostgresNode.DATABASE,
                PostgresNode.USER,
                "http://127.0.0.1:" + settings.s3Port());
    }

    /**
     * The same stack with services pointed at its Redis Cluster, every channel's keys and Pub/Sub
     * on the master that owns its hash tag ({@code SPUBLISH}/{@code SSUBSCRIBE}).
     *
     * @return the endpoints for sharded services
     * @throws IllegalStateException if the stack runs no cluster ({@code redis.cluster=false})
     */
    public StackEndpoints onRedisCluster() {
        if (redisCluster.isEmpty()) {
            throw new IllegalStateException("the local stack runs no Redis Cluster: start it with chatctl up"
                    + " --redis-cluster or CHAT_STACK_REDIS_CLUSTER=true");
        }
        return new StackEndpoints(redisAddress, redisCluster, true, kafkaBootstrap, cassandraContactPoint,
                cassandraDatacenter, postgresUrl, postgresUser, s3Endpoint);
    }

    /**
     * The configuration that points a service (gateway, persister, api) at this stack: the keys of
     * {@code config/chat-common.yaml}.
     *
     * @return dotted key to value
     */
    public Map<String, String> serviceConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("redis.address", redisAddress);
        if (sharded) {
            config.put("redis.cluster", String.join(",", redisCluster));
            config.put("redis.sharded", "true");
        }
        config.put("kafka.bootstrap", kafkaBootstrap);
        config.put("cassandra.contactpoints", cassandraContactPoint);
        config.put("cassandra.datacenter", cassandraDatacenter);
        config.put("postgres.url", postgresUrl);
        config.put("postgres.username", postgresUser);
        config.put("s3.endpoint", s3Endpoint);
        config.put("s3.bucket", S3ProxyNode.BUCKET);
        config.put("s3.accesskey", S3ProxyNode.ACCESS_KEY);
        config.put("s3.secretkey", S3ProxyNode.SECRET_KEY);
        // a developer machine: the public signing key, the name-only login
        config.put("chat.profile", "local");
        // webhooks and push endpoints on this machine (test receivers, a local push service)
        config.put("outbound.allowprivatetargets", "true");
        return config;
    }

    /**
     * The same as environment variables, the way operators override configuration.
     *
     * @return variable name (REDIS_ADDRESS, ...) to value
     */
    public Map<String, String> serviceEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        serviceConfig().forEach((key, value) -> env.put(key.toUpperCase(Locale.ROOT).replace('.', '_'), value));
        return env;
    }
}
