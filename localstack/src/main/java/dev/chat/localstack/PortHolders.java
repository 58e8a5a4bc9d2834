package dev.chat.localstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which of the ports a stack needs are taken, and by which process: a port is taken when it
 * cannot be bound; its holder is found, where Linux shows it, from the listening socket's inode in
 * {@code /proc/net/tcp*} and the process whose file descriptors include that socket.
 */
public final class PortHolders {

    private PortHolders() {
    }

    /**
     * @param ports the ports to check, each with what it is for
     * @return each taken port with a description of it ("8080 (api): held by pid 123, java -jar …"),
     *         in the order given; empty when all are free
     */
    public static List<String> taken(Map<Integer, String> ports) {
        return ports.entrySet().stream().filter(port -> !free(port.getKey()))
                .map(port -> port.getKey() + " (" + port.getValue() + "): " + holder(port.getKey())
                        .orElse("held by a process this user cannot see"))
                .toList();
    }

    /** @return the ports a stack with these settings starts its servers on, each with its use */
    public static Map<Integer, String> backingPorts(StackSettings settings) {
        Map<Integer, String> ports = new LinkedHashMap<>();
        ports.put(settings.redisPort(), "Redis");
        ports.put(settings.kafkaPort(), "Kafka");
        ports.put(settings.kafkaControllerPort(), "Kafka controller");
        ports.put(settings.cassandraPort(), "Cassandra CQL");
        ports.put(settings.cassandraStoragePort(), "Cassandra storage");
        ports.put(settings.postgresPort(), "PostgreSQL");
        ports.put(settings.s3Port(), "S3Proxy");
        if (settings.redisCluster()) {
            for (int i = 0; i < RedisCluster.MASTERS; i++) {
                ports.put(settings.redisClusterPort() + i, "Redis Cluster node " + (i + 1));
                ports.put(settings.redisClusterPort() + i + 10_000, "Redis Cluster bus " + (i + 1));
            }
        }
        return ports;
    }

    /** @return whether nothing listens on the port (on any address) */
    static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // a port left in TIME_WAIT is free
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** @return "held by pid N, its command line" for the process listening on the port, if Linux tells */
    static Optional<String> holder(int port) {
        Set<String> inodes = Stream.of("/proc/net/tcp", "/proc/net/tcp6").flatMap(PortHolders::lines)
                .map(line -> line.trim().split("\\s+"))
                .filter(fields -> fields.length > 9 && "0A".equals(fields[3])) // LISTEN
                .filter(fields -> fields[1].endsWith(String.format(":%04X", port)))
                .map(fields -> "socket:[" + fields[9] + "]").collect(Collectors.toSet());
        if (inodes.isEmpty()) {
            return Optional.empty();
        }
        return ProcessHandle.allProcesses().filter(process -> holds(process.pid(), inodes)).findFirst()
                .map(process -> "held by pid " + process.pid() + ", " + process.info().commandLine()
                        .map(PortHolders::shortened).orElse("(command line not visible)"));
    }

    private static boolean holds(long pid, Set<String> inodes) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return inodes.contains(Files.readSymbolicLink(fd).toString());
                } catch (IOException | UnsupportedOperationException e) {
                    return false;
                }
            });
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private static Stream<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of(file)).stream().skip(1);
        } catch (IOException e) {
            return Stream.empty();
        }
    }

    private static String shortened(String commandLine) {
        return commandLine.length() <= 120 ? commandLine : commandLine.substring(0, 117) + "...";
    }
}
