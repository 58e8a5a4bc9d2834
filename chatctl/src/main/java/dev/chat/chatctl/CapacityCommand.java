package dev.chat.chatctl;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code chatctl capacity}: the fleet a load needs, from unit costs measured on the development
 * machine (docs/benchmarks.md, docs/scaling.md). Arithmetic only: it reads no service. The unit
 * costs are the measured ones; flags change the machines they are spread over.
 */
@Command(name = "capacity", mixinStandardHelpOptions = true,
        description = {"Print the fleet a load needs: gateways, Redis shards, Kafka, persisters, Cassandra.",
            "Computed from unit costs measured on this project's benchmarks (see docs/scaling.md)."},
        footerHeading = "%nExamples:%n",
        footer = {"  chatctl capacity --connections 25000000 --messages-per-second 100000 \\",
            "      --members 10",
            "  chatctl capacity --connections 1000000 --messages-per-second 5000 \\",
            "      --members 50 --json"})
final class CapacityCommand implements Callable<Integer> {

    /**
     * What one unit of work costs, measured here (2 vCPU machine, every server on it).
     *
     * @param gatewayBytesPerConnection RSS per idle socket on a gateway
     * @param gatewayCpuPerIdleSocket   CPU seconds per second per idle socket (pings, 15 s heartbeats)
     * @param gatewayCpuPerDelivery     CPU seconds per delivered event (its share of the send too)
     * @param gatewayBaseBytes          a gateway's RSS with no socket
     * @param redisCpuPerMessage        CPU seconds per message (the per-channel step and its publish)
     * @param redisCpuPerHeartbeat      CPU seconds per client heartbeat (presence refresh)
     * @param persisterMessagesPerSecond stored per second by one persister (batches of 2000)
     * @param kafkaCpuPerMessage        broker CPU seconds per message, per replica
     * @param cassandraCpuPerMessage    Cassandra CPU seconds per message, per replica
     * @param storedBytesPerMessage     bytes on disk per stored message, per replica (not measured here: the
     *                                  design study's 500 bytes)
     */
    record UnitCosts(double gatewayBytesPerConnection, double gatewayCpuPerIdleSocket, double gatewayCpuPerDelivery,
                     double gatewayBaseBytes, double redisCpuPerMessage, double redisCpuPerHeartbeat,
                     double persisterMessagesPerSecond, double kafkaCpuPerMessage, double cassandraCpuPerMessage,
                     double storedBytesPerMessage) {
    }

    /** Measured: see docs/scaling.md, "Unit costs", for each number's run. */
    static final UnitCosts MEASURED = new UnitCosts(
            MeasuredIdle.BYTES_PER_CONNECTION, MeasuredIdle.GATEWAY_CORES_PER_SOCKET, 51e-6,
            MeasuredIdle.GATEWAY_BASE_BYTES, 56e-6, MeasuredIdle.REDIS_SECONDS_PER_HEARTBEAT,
            9_784, 11e-6, 127e-6, 500);

    /**
     * The idle-connection runs ({@code bench --connections 18000 --gateway-pid --redis-pid --hold
     * PT90S}, heartbeats every 15 s): RSS growth per socket with the heap sized to the load
     * ({@code -Xmx400m}, live heap 371 MB), the gateway's RSS before the sockets, CPU per socket
     * (0.171 cores / 18,000 with {@code -Xmx1g}), Redis CPU per heartbeat (0.0524 cores / 1,200/s).
     */
    static final class MeasuredIdle {
        static final double BYTES_PER_CONNECTION = 17_852;
        static final double GATEWAY_BASE_BYTES = 360e6;
        static final double GATEWAY_CORES_PER_SOCKET = 0.1708 / 18_000;
        static final double REDIS_SECONDS_PER_HEARTBEAT = 0.0524 / 1_200;

        private MeasuredIdle() {
        }
    }

    /** A client sends a heartbeat this often (hello's heartbeat_ms). */
    static final double HEARTBEAT_SECONDS = 15;

    @Spec
    private CommandSpec spec;

    @Mixin
    private OutputOptions output;

    @Option(names = "--connections", required = true, paramLabel = "N", description = "Concurrent sockets.")
    private long connections;

    @Option(names = "--messages-per-second", required = true, paramLabel = "M", description = "Messages sent per second at peak.")
    private long messagesPerSecond;

    @Option(names = "--members", required = true, paramLabel = "K",
            description = "Online sockets per message on average (its fan-out).")
    private double members;

    @Option(names = "--cores", defaultValue = "16", description = "Cores per machine (default: ${DEFAULT-VALUE}).")
    private int cores;

    @Option(names = "--gateway-memory-gib", defaultValue = "32", description = "Memory per gateway machine (default: ${DEFAULT-VALUE}).")
    private int gatewayMemoryGib;

    @Option(names = "--utilization", defaultValue = "0.5",
            description = "Plan machines this busy at peak, for failover and bursts (default: ${DEFAULT-VALUE}).")
    private double utilization;

    @Option(names = "--replication", defaultValue = "3", description = "Kafka and Cassandra replication factor (default: ${DEFAULT-VALUE}).")
    private int replication;

    @Option(names = "--retention-days", defaultValue = "365", description = "Days of history kept (default: ${DEFAULT-VALUE}).")
    private int retentionDays;

    @Option(names = "--max-per-gateway", defaultValue = "100000", paramLabel = "SOCKETS",
            description = "Most sockets one gateway may hold whatever its size: how many clients reconnect at once when one"
                    + " fails or drains (default: ${DEFAULT-VALUE}).")
    private long maxPerGateway;

    @Option(names = "--peak-to-average", defaultValue = "3",
            description = "Peak rate over the daily average, for storage (default: ${DEFAULT-VALUE}, as in the design study).")
    private double peakToAverage;

    @Option(names = "--disk-tb", defaultValue = "4", description = "Usable disk per Cassandra node, TB (default: ${DEFAULT-VALUE}).")
    private double diskTb;

    @Override
    public Integer call() {
        if (connections < 0 || messagesPerSecond < 0 || members < 0 || cores < 1 || gatewayMemoryGib < 1
                || utilization <= 0 || utilization > 1 || replication < 1 || retentionDays < 1 || diskTb <= 0 || peakToAverage < 1 || maxPerGateway < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "every number must be positive (utilization in (0, 1])");
        }
        Map<String, Object> fleet = plan(MEASURED);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            output.printJson(out, fleet);
        } else {
            fleet.forEach((key, value) -> out.printf("%-34s %s%n", key, value));
            out.println("(unit costs measured on a 2-vCPU machine running every server: see docs/scaling.md)");
        }
        return ChatCtl.OK;
    }

    Map<String, Object> plan(UnitCosts unit) {
        double deliveries = messagesPerSecond * members;
        double heartbeats = connections / HEARTBEAT_SECONDS;
        double usableBytes = gatewayMemoryGib * (1L << 30) * utilization - unit.gatewayBaseBytes();
        long byMemory = ceil(connections * unit.gatewayBytesPerConnection() / Math.max(1, usableBytes));
        double gatewayCores = connections * unit.gatewayCpuPerIdleSocket() + deliveries * unit.gatewayCpuPerDelivery();
        long byCpu = ceil(gatewayCores / (cores * utilization));
        long byBlastRadius = ceil(connections / (double) maxPerGateway);
        long gateways = Math.max(1, Math.max(Math.max(byMemory, byCpu), byBlastRadius));
        // Redis runs commands on one thread: a shard is planned at `utilization` of one core
        double redisCores = messagesPerSecond * unit.redisCpuPerMessage() + heartbeats * unit.redisCpuPerHeartbeat();
        long shards = Math.max(1, ceil(redisCores / utilization));
        long persisters = Math.max(1, ceil(messagesPerSecond / (unit.persisterMessagesPerSecond() * utilization)));
        long partitions = Math.max(6, Long.highestOneBit(Math.max(1, persisters * 4 - 1)) << 1);
        long brokers = Math.max(replication, ceil(messagesPerSecond * unit.kafkaCpuPerMessage() * replication / (cores * utilization)));
        double storedTb = messagesPerSecond / peakToAverage * 86_400.0 * retentionDays * unit.storedBytesPerMessage() * replication / 1e12;
        long cassandraByCpu = ceil(messagesPerSecond * unit.cassandraCpuPerMessage() * replication / (cores * utilization));
        // compaction needs free space: plan disks half full
        long cassandraByDisk = ceil(storedTb / (diskTb * 0.5));
        long cassandra = Math.max(replication, Math.max(cassandraByCpu, cassandraByDisk));

        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("deliveries_per_second", Math.round(deliveries));
        plan.put("gateways", gateways);
        plan.put("gateways_by_memory", byMemory);
        plan.put("gateways_by_cpu", byCpu);
        plan.put("gateways_by_max_per_gateway", byBlastRadius);
        plan.put("connections_per_gateway", connections / gateways);
        plan.put("redis_shards (masters, +1 replica each)", shards);
        plan.put("redis_cores_total", round(redisCores));
        plan.put("persisters", persisters);
        plan.put("kafka_partitions (chat-messages)", partitions);
        plan.put("kafka_brokers", brokers);
        plan.put("cassandra_nodes", cassandra);
        plan.put("cassandra_nodes_by_cpu", cassandraByCpu);
        plan.put("cassandra_nodes_by_disk", cassandraByDisk);
        plan.put("cassandra_stored_tb (all replicas)", round(storedTb));
        plan.put("consistency", "writes LOCAL_QUORUM, reads LOCAL_QUORUM (RF=" + replication + ")");
        return plan;
    }

    private static long ceil(double value) {
        return (long) Math.ceil(value - 1e-9);
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
