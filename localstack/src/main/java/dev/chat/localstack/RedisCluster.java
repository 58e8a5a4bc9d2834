package dev.chat.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * A three-master Redis Cluster on loopback ({@code redis.cluster.port} and the two ports after it;
 * the cluster bus on each port + 10000), for {@code chatctl up --redis-cluster} and the tests that
 * run the messaging path sharded. No replicas: the local stack keeps nothing Redis holds on disk
 * anyway, and a replica per master would only double the processes. Each start forms a new cluster
 * ({@code redis-cli --cluster create}) and waits until every node reports {@code cluster_state:ok}.
 */
final class RedisCluster implements BackingService {

    /** How many masters the local cluster has. */
    static final int MASTERS = 3;

    private final StackSettings settings;
    private final List<RedisNode> nodes;

    RedisCluster(StackSettings settings) {
        this.settings = settings;
        this.nodes = IntStream.range(0, MASTERS)
                .mapToObj(i -> new RedisNode(settings, "redis-cluster-" + (i + 1), settings.redisClusterPort() + i,
                        List.of("--cluster-enabled", "yes",
                                "--cluster-config-file", "nodes.conf",
                                "--cluster-node-timeout", "5000")))
                .toList();
    }

    @Override
    public String name() {
        return "redis-cluster";
    }

    @Override
    public void start(Duration timeout) throws Exception {
        for (RedisNode node : nodes) {
            // a cluster node refuses to join a new cluster while it remembers an old one
            Files.deleteIfExists(settings.dir().resolve(node.name()).resolve("nodes.conf"));
        }
        for (RedisNode node : nodes) {
            node.start(timeout);
        }
        List<String> create = new ArrayList<>(List.of(new RedisBinaries(settings).cli().toString(), "--cluster", "create"));
        nodes.forEach(node -> create.add("127.0.0.1:" + node.port()));
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Path log = settings.logDir().resolve("redis-cluster-create.log");
        Process creating = new ProcessBuilder(create).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!creating.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || creating.exitValue() != 0) {
            creating.destroyForcibly();
            throw new IllegalStateException("redis-cli --cluster create failed; see " + log);
        }
        Readiness.await("Redis Cluster on ports " + settings.redisClusterPort() + "-"
                + (settings.redisClusterPort() + MASTERS - 1), timeout, null, log, () -> {
            for (RedisNode node : nodes) {
                String info = RedisNode.command(node.port(), "CLUSTER", "INFO");
                if (!info.contains("cluster_state:ok")) {
                    throw new IOException("node " + node.port() + " not ready: "
                            + info.lines().filter(l -> l.startsWith("cluster_state")).findFirst().orElse(info));
                }
            }
            return null;
        });
    }

    @Override
    public boolean isHealthy() {
        try {
            for (RedisNode node : nodes) {
                if (!RedisNode.command(node.port(), "CLUSTER", "INFO").contains("cluster_state:ok")) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public List<Long> pids() {
        return nodes.stream().flatMap(node -> node.pids().stream()).toList();
    }

    @Override
    public void stop() {
        nodes.forEach(RedisNode::stop);
    }

    /**
     * Starts the nodes that died again: each remembers its place in the cluster ({@code nodes.conf}
     * in its directory), so it rejoins with its slots (and no data, as a restarted Redis has).
     */
    @Override
    public void revive(Duration timeout) throws Exception {
        for (RedisNode node : nodes) {
            if (node.died()) {
                node.start(timeout);
            }
        }
        Readiness.await("Redis Cluster after a restart", timeout, null, settings.logDir(), () -> {
            if (!isHealthy()) {
                throw new IOException("not every node says cluster_state:ok yet");
            }
            return null;
        });
    }

    @Override
    public String logName() {
        return nodes.stream().filter(RedisNode::died).findFirst().map(RedisNode::logName).orElse("redis-cluster-1.log");
    }

    /** @return the masters' addresses, e.g. redis://127.0.0.1:17001 */
    static List<String> addresses(StackSettings settings) {
        return IntStream.range(0, MASTERS).mapToObj(i -> "redis://127.0.0.1:" + (settings.redisClusterPort() + i)).toList();
    }
}
