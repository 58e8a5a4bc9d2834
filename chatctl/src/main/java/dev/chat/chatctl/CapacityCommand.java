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
        description = {"Print the fleet (gateways, Redis shards, Kafka, persisters, Cassandra) a load needs,",
            "from unit costs measured on this project's benchmarks (see docs/scaling.md)."},
        footerHeading = "%nExamples:%n",
        footer = {"  chatctl capacity --connections 25000000 --messages-per-second 100000 --members 10",
            "  chatctl capacity --connections 1000000 --messages-per-second 5000 --members 50 --json"})
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
     * @param storedBytesPerMessage     bytes on disk per stored message, per replica (100-char text)
     */
    record UnitCosts(double gatewayBytesPerConnection, double gatewayCpuPerIdleSocket, double gatewayCpuPerDelivery,
                     double gatewayBaseBytes, double redisCpuPerMessage, double redisCpuPerHeartbeat,
                     double persisterMessagesPerSecond, double kafkaCpuPerMessage, double cassandraCpuPerMessage,
                     double storedBytesPerMessage) {
    }

    /** Measured: see docs/scaling.md, "Unit costs", for each number's run. */
    static final UnitCosts MEASURED = new UnitCosts(
            MeasuredIdle.BYTES_PER_CONNECTION, MeasuredIdle.GATEWAY_CORES_PER_SOCKET, 51e-6,
            300e6, 56e-6, MeasuredIdle.REDIS_SECONDS_PER_HEARTBEAT,
            9_784, 11e-6, 127e-6, 250);

    /** The idle-connection run ({@code bench --connections 18000 --gateway-pid --redis-pid}). */
    static final class MeasuredIdle {
        static final double BYTES_PER_CONNECTION = 10_000;
        static final double GATEWAY_CORES_PER_SOCKET = 1e-6;
        static final double REDIS_SECONDS_PER_HEARTBEAT = 20e-6;

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

    @Option(names = "--messages-per-second", required = true, paramLabel = "M", description = "Messages sent per second, peak.")
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

    @Override
    public Integer call() {
        if (connections < 0 || messagesPerSecond < 0 || members < 0 || cores < 1 || gatewayMemoryGib < 1
                || utilization <= 0 || utilization > 1 || replication < 1 || retentionDays < 1) {
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
        long gateways = Math.max(1, Math.max(byMemory, byCpu));
        // Redis runs commands on one thread: a shard is planned at `utilization` of one core
        double redisCores = messagesPerSecond * unit.redisCpuPerMessage() + heartbeats * unit.redisCpuPerHeartbeat();
        long shards = Math.max(1, ceil(redisCores / utilization));
        long persisters = Math.max(1, ceil(messagesPerSecond / (unit.persisterMessagesPerSecond() * utilization)));
        long partitions = Math.max(6, Long.highestOneBit(Math.max(1, persisters * 4 - 1)) << 1);
        long brokers = Math.max(replication, ceil(messagesPerSecond * unit.kafkaCpuPerMessage() * replication / (cores * utilization)));
        long cassandra = Math.max(replication,
                ceil(messagesPerSecond * unit.cassandraCpuPerMessage() * replication / (cores * utilization)));
        double storedTb = messagesPerSecond * 86_400.0 * retentionDays * unit.storedBytesPerMessage() * replication / 1e12;

        Map<String, Object> plan = new LinkedHashMap<>();
        plan.put("deliveries_per_second", Math.round(deliveries));
        plan.put("gateways", gateways);
        plan.put("gateways_by_memory", byMemory);
        plan.put("gateways_by_cpu", byCpu);
        plan.put("connections_per_gateway", connections / gateways);
        plan.put("redis_shards (masters, +1 replica each)", shards);
        plan.put("redis_cores_total", round(redisCores));
        plan.put("persisters", persisters);
        plan.put("kafka_partitions (chat-messages)", partitions);
        plan.put("kafka_brokers", brokers);
        plan.put("cassandra_nodes", cassandra);
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
