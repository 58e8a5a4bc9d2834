package dev.chat.localstack;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Validated settings of the local stack, read from {@code config/localstack.properties} and
 * overridden by {@code chat.stack.*} system properties or {@code CHAT_STACK_*} environment variables.
 *
 * @param home                 repository root
 * @param dir                  state directory (data, logs, pids)
 * @param redisPort            Redis port
 * @param redisCluster         whether the stack also runs a three-master Redis Cluster
 * @param redisClusterPort     the first of the cluster's three ports
 * @param kafkaPort            Kafka client port
 * @param kafkaControllerPort  Kafka KRaft controller port
 * @param kafkaPartitions      partitions of the chat-messages topic
 * @param kafkaHeap            broker heap, e.g. 512m
 * @param cassandraPort        CQL native port
 * @param cassandraStoragePort Cassandra internode port
 * @param cassandraHeap        Cassandra heap, e.g. 512m
 * @param postgresPort         PostgreSQL port
 * @param s3Port               S3Proxy port
 * @param readyTimeout         how long to wait for each service to become ready
 */
public record StackSettings(Path home,
                            Path dir,
                            int redisPort,
                            boolean redisCluster,
                            int redisClusterPort,
                            int kafkaPort,
                            int kafkaControllerPort,
                            int kafkaPartitions,
                            String kafkaHeap,
                            int cassandraPort,
                            int cassandraStoragePort,
                            String cassandraHeap,
                            int postgresPort,
                            int s3Port,
                            Duration readyTimeout) {

    /** The Kafka topic every chat message is written to. */
    public static final String MESSAGES_TOPIC = "chat-messages";
    /** Where the persister parks records it cannot store. */
    public static final String DEAD_LETTER_TOPIC = "chat-messages-dlq";

    /**
     * Settings of the stack of the repository this process runs in.
     *
     * @return settings with system property and environment overrides applied
     */
    public static StackSettings load() {
        return load(ChatHome.locate(), System.getenv());
    }

    static StackSettings load(Path home, Map<String, String> env) {
        Properties file = new Properties();
        Path path = home.resolve("config/localstack.properties");
        try (Reader reader = Files.newBufferedReader(path)) {
            file.load(reader);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read " + path + ": " + e.getMessage(), e);
        }
        Lookup lookup = new Lookup(file, env, path);
        Path dir = Path.of(lookup.string("dir"));
        return new StackSettings(home,
                (dir.isAbsolute() ? dir : home.resolve(dir)).normalize(),
                lookup.port("redis.port"),
                lookup.bool("redis.cluster"),
                lookup.port("redis.cluster.port"),
                lookup.port("kafka.port"),
                lookup.port("kafka.controller.port"),
                lookup.positive("kafka.partitions"),
                lookup.string("kafka.heap"),
                lookup.port("cassandra.port"),
                lookup.port("cassandra.storage.port"),
                lookup.string("cassandra.heap"),
                lookup.port("postgres.port"),
                lookup.port("s3.port"),
                Duration.ofSeconds(lookup.positive("ready.timeout.seconds")));
    }

    /**
     * @param cluster whether to run the Redis Cluster too
     * @return these settings with that choice
     */
    public StackSettings withRedisCluster(boolean cluster) {
        return new StackSettings(home, dir, redisPort, cluster, redisClusterPort, kafkaPort, kafkaControllerPort,
                kafkaPartitions, kafkaHeap, cassandraPort, cassandraStoragePort, cassandraHeap, postgresPort, s3Port,
                readyTimeout);
    }

    /** @return where the processes' logs go */
    public Path logDir() {
        return dir.resolve("logs");
    }

    /** @return the jars of the Kafka broker, copied there by the build */
    public Path kafkaLibs() {
        return home.resolve("localstack/dist/kafka/target/lib");
    }

    /** @return the jars of S3Proxy, copied there by the build */
    public Path s3ProxyLibs() {
        return home.resolve("localstack/dist/s3proxy/target/lib");
    }

    /** @return the jars of the Cassandra server, copied there by the build */
    public Path cassandraLibs() {
        return home.resolve("localstack/dist/cassandra/target/lib");
    }

    /** Resolves one key: system property, then environment variable, then the file. */
    private record Lookup(Properties file, Map<String, String> env, Path path) {

        String string(String key) {
            String value = System.getProperty("chat.stack." + key);
            if (value == null) {
                value = env.get(envName(key));
            }
            if (value == null) {
                value = file.getProperty(key);
            }
            if (value == null || value.isBlank()) {
                throw new IllegalStateException("Missing local stack setting '" + key + "' in " + path);
            }
            return value.trim();
        }

        int positive(String key) {
            String value = string(key);
            try {
                int parsed = Integer.parseInt(value);
                if (parsed > 0) {
                    return parsed;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalStateException("Local stack setting '" + key + "' must be a positive integer, was '"
                    + value + "' (" + path + " or " + envName(key) + ")");
        }

        boolean bool(String key) {
            String value = string(key);
            if (!value.equals("true") && !value.equals("false")) {
                throw new IllegalStateException("Local stack setting '" + key + "' must be true or false, was '"
                        + value + "' (" + path + " or " + envName(key) + ")");
            }
            return Boolean.parseBoolean(value);
        }

        int port(String key) {
            int port = positive(key);
            if (port > 65535) {
                throw new IllegalStateException("Local stack setting '" + key + "' is not a port: " + port);
            }
            return port;
        }

        private static String envName(String key) {
            return "CHAT_STACK_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
        }
    }
}
