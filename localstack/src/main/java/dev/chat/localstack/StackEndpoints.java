package dev.chat.localstack;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the running local stack can be reached, in the form the services' configuration expects.
 *
 * @param redisAddress          e.g. {@code redis://127.0.0.1:16379}
 * @param kafkaBootstrap        e.g. {@code 127.0.0.1:19092}
 * @param cassandraContactPoint e.g. {@code 127.0.0.1:19042}
 * @param cassandraDatacenter   local data center name
 * @param postgresUrl           JDBC URL of the chat database
 * @param postgresUser          database user (the local stack trusts loopback: no password)
 */
public record StackEndpoints(String redisAddress,
                             String kafkaBootstrap,
                             String cassandraContactPoint,
                             String cassandraDatacenter,
                             String postgresUrl,
                             String postgresUser) {

    static StackEndpoints of(StackSettings settings) {
        return new StackEndpoints("redis://127.0.0.1:" + settings.redisPort(),
                "127.0.0.1:" + settings.kafkaPort(),
                "127.0.0.1:" + settings.cassandraPort(),
                CassandraNode.DATACENTER,
                "jdbc:postgresql://127.0.0.1:" + settings.postgresPort() + "/" + PostgresNode.DATABASE,
                PostgresNode.USER);
    }

    /**
     * The environment variables that point a service (gateway, persister, api) at this stack;
     * the names are the keys of {@code config/chat-common.yaml} as Helidon maps environment variables.
     *
     * @return variable name to value
     */
    public Map<String, String> serviceEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("REDIS_ADDRESS", redisAddress);
        env.put("KAFKA_BOOTSTRAP", kafkaBootstrap);
        env.put("CASSANDRA_CONTACTPOINTS", cassandraContactPoint);
        env.put("CASSANDRA_DATACENTER", cassandraDatacenter);
        env.put("POSTGRES_URL", postgresUrl);
        env.put("POSTGRES_USERNAME", postgresUser);
        return env;
    }
}
