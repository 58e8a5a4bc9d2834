package dev.chat.chatctl;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * What a running {@code chatctl up} tells the other commands about the services it started
 * ({@code <stack dir>/up.properties}): its pid and the Redis Cluster the services use, if they
 * use one. Operator commands read the same Redis as the services without being told
 * ({@link BackendOptions}); the file is removed when {@code chatctl up} stops.
 *
 * @param pid          the {@code chatctl up} process
 * @param redisCluster the cluster's node addresses, empty when the services use the single node
 */
record UpState(long pid, List<String> redisCluster) {

    private static final String FILE = "up.properties";

    void write(Path stackDir) throws IOException {
        Properties props = new Properties();
        props.setProperty("pid", Long.toString(pid));
        props.setProperty("redis.cluster", String.join(",", redisCluster));
        Files.createDirectories(stackDir);
        try (Writer writer = Files.newBufferedWriter(stackDir.resolve(FILE))) {
            props.store(writer, "chatctl up: its pid and the Redis the services use");
        }
    }

    static void delete(Path stackDir) {
        try {
            Files.deleteIfExists(stackDir.resolve(FILE));
        } catch (IOException e) {
            // a stale file names a dead pid and is ignored
        }
    }

    /** @return the Redis Cluster the services of a running {@code chatctl up} use; empty if none (or none runs) */
    static List<String> runningRedisCluster(Path stackDir) {
        Path file = stackDir.resolve(FILE);
        if (!Files.exists(file)) {
            return List.of();
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
            boolean alive = ProcessHandle.of(Long.parseLong(props.getProperty("pid", "-1"))).map(ProcessHandle::isAlive)
                    .orElse(false);
            String cluster = props.getProperty("redis.cluster", "");
            return alive && !cluster.isBlank() ? List.of(cluster.split(",")) : List.of();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
