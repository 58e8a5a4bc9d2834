package dev.chat.chatctl;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.auth.Tokens;
import dev.chat.common.runtime.CassandraConnection;
import dev.chat.common.wire.Json;
import dev.chat.localstack.StackProcesses;
import dev.chat.localstack.StackSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code chatctl bench}: load against a running system. Three modes: the fan-out run
 * ({@link FanOutBench}, the default; with {@code --find-capacity} it steps the rate until the
 * latency or the deliveries give), idle connections ({@link IdleBench}) and the persister alone
 * ({@link PersisterBench}). Next to the latencies it reports the CPU each process of the local
 * stack spent per message, and compares that with a saved run ({@code --compare}).
 */
@UsesBackends({UsesBackends.Backend.KAFKA, UsesBackends.Backend.CASSANDRA})
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Load a running system and report throughput, latency, losses and CPU per message.",
            "Only 127.0.0.1 unless told otherwise. The CPU is what each process of the local stack spent.",
            "The fan-out run needs the api's local-stack login (chatctl up turns it on)."},
        footerHeading = "%nExamples:%n",
        footer = {"  chatctl bench                      10 channels x 5 members, 100 msg/s, 10 s",
            "  chatctl bench --gateway ws://127.0.0.1:8081/ws \\",
            "      --gateway ws://127.0.0.1:8082/ws --channels 100 --members 10 \\",
            "      --rate 500 --duration PT30S --json > run.json",
            "  chatctl bench --rate 500 --compare run.json     CPU per message against it",
            "  chatctl bench --find-capacity       the highest rate with p99 <= 50 ms",
            "  chatctl bench --connections 5000 --json",
            "  chatctl bench --persister 100000 --channels 100 the persister alone"})
final class BenchCommand implements Callable<Integer> {

    /** A capacity step holds when its send→receive p99 is at most this. */
    private static final double CAPACITY_P99_MS = 50;
    /** ... and it delivered at least this share of what was offered. */
    private static final double CAPACITY_DELIVERED = 0.99;

    @Mixin
    private OperatorOptions operator;

    @Option(names = "--api", defaultValue = "http://127.0.0.1:8080", description = "The api (default: ${DEFAULT-VALUE}).")
    private URI api;

    @Option(names = "--gateway", paramLabel = "WS_URL", description = "A gateway's /ws URL; repeat for several (default: ws://127.0.0.1:8081/ws).")
    private List<URI> gateways = new ArrayList<>();

    @Option(names = "--connections", paramLabel = "N", description = "Instead of the fan-out run: hold N idle connections.")
    private Integer connections;

    @Option(names = "--gateway-pid", paramLabel = "PID",
            description = "With --connections: the first gateway's process id on this machine; its RSS and CPU are read from /proc.")
    private Long gatewayPid;

    @Option(names = "--redis-pid", paramLabel = "PID",
            description = "With --connections: Redis's process id on this machine; its CPU while the sockets are held is reported.")
    private Long redisPid;

    @Option(names = "--ramp", defaultValue = "500", paramLabel = "PER_SECOND",
            description = "With --connections: open this many sockets per second (default: ${DEFAULT-VALUE}).")
    private int ramp;

    @Option(names = "--hold", defaultValue = "PT30S",
            description = "With --connections: how long to hold the sockets open, idle (default: ${DEFAULT-VALUE}).")
    private String hold;

    @Option(names = "--persister", paramLabel = "N",
            description = "Instead of the fan-out run: produce N messages straight to Kafka and time the persister storing them.")
    private Integer persister;

    @Option(names = "--channels", defaultValue = "10", description = "Group channels (default: ${DEFAULT-VALUE}).")
    private int channels;

    @Option(names = "--members", defaultValue = "5", description = "Members per channel, each one socket (default: ${DEFAULT-VALUE}).")
    private int members;

    @Option(names = "--senders", defaultValue = "1", description = "Senders per channel (default: ${DEFAULT-VALUE}).")
    private int senders;

    @Option(names = "--rate", defaultValue = "100", description = "Messages per second, all senders together (default: ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--duration", defaultValue = "PT10S", description = "How long to send, ISO-8601; per step with --find-capacity (default: ${DEFAULT-VALUE}).")
    private String duration;

    @Option(names = "--warmup", defaultValue = "PT15S",
            description = "Send at the same rate this long first, not counted: fresh JVMs compile for a minute (default: ${DEFAULT-VALUE}; PT0S for none).")
    private String warmup;

    @Option(names = "--find-capacity",
            description = "Step the rate up from --rate by --step until send-to-receive p99 > 50 ms or fewer than 99 %% of the deliveries arrive; report the highest rate that held.")
    private boolean findCapacity;

    @Option(names = "--step", defaultValue = "1.25", description = "With --find-capacity: each step's rate is the last one's times this (default: ${DEFAULT-VALUE}).")
    private double step;

    @Option(names = "--max-rate", defaultValue = "20000", description = "With --find-capacity: stop at this rate (default: ${DEFAULT-VALUE}).")
    private int maxRate;

    @Option(names = "--compare", paramLabel = "FILE",
            description = "A fan-out run saved with --json: print each process's CPU per message against it.")
    private Path compare;

    @Option(names = "--no-cpu", description = "Do not read the CPU of the local stack's processes.")
    private boolean noCpu;

    @Option(names = "--record", paramLabel = "FILE",
            description = "Write every send, ack and delivery (JSON Lines) for chatctl verify.")
    private Path recordFile;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public Integer call() throws Exception {
        if (gateways.isEmpty()) {
            gateways.add(URI.create("ws://127.0.0.1:8081/ws"));
        }
        Duration length;
        Duration warmUp;
        try {
            length = Duration.parse(duration);
            warmUp = Duration.parse(warmup);
        } catch (DateTimeParseException e) {
            throw operator.usage("--duration and --warmup must be ISO-8601, e.g. PT10S");
        }
        if (channels < 1 || members < 1 || senders < 1 || senders > members || rate < 1 || length.isNegative() || length.isZero()
                || (connections != null && connections < 1) || step <= 1) {
            throw operator.usage("--channels, --members, --rate, --duration and --connections must be positive,"
                    + " 1 <= --senders <= --members, --step > 1");
        }
        JsonNode baseline = compare == null ? null : baseline(compare);
        if (persister != null) {
            if (persister < 1) {
                throw operator.usage("--persister must be positive");
            }
            Map<String, Object> report = new PersisterBench(operator.backends(), "chat-persister").run(persister, channels);
            print(report);
            return (long) report.get("lag_at_end") == 0 ? ChatCtl.OK : ChatCtl.FAILED;
        }
        if (connections != null) {
            Map<String, Object> report = new IdleBench(http, Tokens.create(operator.config()), gateways, gatewayPid, redisPid)
                    .run(connections, ramp, Duration.parse(hold));
            print(report);
            return (long) report.get("failed") == 0 ? ChatCtl.OK : ChatCtl.FAILED;
        }
        RunRecord record = recordFile == null ? null : new RunRecord();
        try (FanOutBench bench = new FanOutBench(http, new BenchApi(http, api), gateways, channels, members, senders, record);
             CassandraConnection cassandra = cassandra()) {
            bench.connect();
            Map<String, List<Long>> processes = processes();
            CqlSession session = cassandra == null ? null : cassandra.session();
            if (!warmUp.isZero() && !warmUp.isNegative()) {
                bench.warmUp(rate, warmUp);
            }
            Map<String, Object> report = findCapacity ? capacity(bench, length, processes, session)
                    : bench.phase(rate, length, processes, session);
            if (record != null) {
                record.write(recordFile);
                report.put("record", recordFile.toString());
            }
            print(report);
            if (baseline != null && report.get("cpu") instanceof Map<?, ?> cpu) {
                printComparison(baseline, cpu);
            }
            return findCapacity || clean(report) ? ChatCtl.OK : ChatCtl.FAILED;
        }
    }

    /** Steps the rate until a step does not hold; the report lists every step and the highest that held. */
    private Map<String, Object> capacity(FanOutBench bench, Duration length, Map<String, List<Long>> processes,
                                         CqlSession cassandra) throws Exception {
        List<Map<String, Object>> steps = new ArrayList<>();
        Integer held = null;
        PrintWriter err = operator.err();
        for (int current = rate; current <= maxRate; current = (int) Math.ceil(current * step)) {
            Map<String, Object> result = bench.phase(current, length, processes, cassandra);
            boolean holds = holds(result);
            result.put("held", holds);
            steps.add(result);
            err.printf("  %6d msg/s: p99 %s ms, delivered %s of %s%s%n", current, p99(result, "send_to_receive"),
                    result.get("delivered"), result.get("expected_deliveries"), holds ? "" : "  (did not hold)");
            err.flush();
            if (!holds) {
                break;
            }
            held = current;
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("capacity_msgs_per_s", held);
        report.put("criterion", "send_to_receive p99 <= " + (int) CAPACITY_P99_MS + " ms and >= "
                + (int) (CAPACITY_DELIVERED * 100) + " % delivered within the step");
        report.put("steps", steps);
        return report;
    }

    private static boolean holds(Map<String, Object> result) {
        Object p99 = p99(result, "send_to_receive");
        long expected = (long) result.get("expected_deliveries");
        return p99 instanceof Double ms && ms <= CAPACITY_P99_MS
                && (long) result.get("delivered") >= CAPACITY_DELIVERED * expected && (long) result.get("duplicated") == 0;
    }

    private static Object p99(Map<String, Object> result, String key) {
        return result.get(key) instanceof Map<?, ?> summary ? summary.get("p99_ms") : null;
    }

    private static boolean clean(Map<String, Object> report) {
        return (long) report.get("lost") == 0 && (long) report.get("duplicated") == 0 && (long) report.get("seq_gaps") == 0;
    }

    /**
     * @return the Cassandra whose requests per message are counted next to the CPU (null with
     *         --no-cpu or when it cannot be reached: then they are not reported)
     */
    private CassandraConnection cassandra() {
        if (noCpu) {
            return null;
        }
        try {
            return operator.cassandra();
        } catch (ChatCtl.Unreachable e) {
            operator.err().println("chatctl bench: " + e.getMessage() + ": Cassandra requests per message are not reported");
            return null;
        }
    }

    /** @return the local stack's processes (empty with --no-cpu or when no stack runs here) */
    private Map<String, List<Long>> processes() {
        if (noCpu) {
            return Map.of();
        }
        try {
            Map<String, List<Long>> found = StackProcesses.find(StackSettings.load());
            if (found.isEmpty()) {
                operator.err().println("chatctl bench: no local stack found: CPU per process is not reported");
            }
            return found;
        } catch (IOException | RuntimeException e) {
            operator.err().println("chatctl bench: cannot read the local stack's processes (" + e.getMessage()
                    + "): CPU per process is not reported");
            return Map.of();
        }
    }

    private JsonNode baseline(Path file) {
        try {
            JsonNode saved = Json.tree(Files.readString(file));
            if (!saved.path("cpu").path("processes").isObject()) {
                throw operator.usage("--compare: " + file + " is not a fan-out run saved with --json (no cpu.processes)");
            }
            return saved;
        } catch (IOException e) {
            throw operator.usage("--compare: cannot read " + file + ": " + e.getMessage());
        }
    }

    private void printComparison(JsonNode baseline, Map<?, ?> cpu) {
        // beside --json's document (stdout), the comparison goes to stderr
        PrintWriter out = operator.json() ? operator.err() : operator.out();
        out.printf("%nCPU per message against %s (%s msg/s then, %s now):%n", compare,
                baseline.path("target_rate_per_s").asText("?"), rate);
        out.printf("  %-22s %10s %10s %10s%n", "process", "then µs", "now µs", "change");
        Map<?, ?> now = (Map<?, ?>) cpu.get("processes");
        List<String> names = new ArrayList<>();
        baseline.path("cpu").path("processes").fieldNames().forEachRemaining(names::add);
        now.keySet().forEach(name -> {
            if (!names.contains(name.toString())) {
                names.add(name.toString());
            }
        });
        for (String name : names) {
            compareLine(out, name, baseline.path("cpu").path("processes").path(name), now.get(name));
        }
        compareLine(out, "total", baseline.path("cpu").path("total"), cpu.get("total"));
        compareLine(out, "load generator", baseline.path("cpu").path("load_generator"), cpu.get("load_generator"));
        Double ratioThen = StackCpu.ratio(number(baseline.path("cpu").path("total").path("us_per_message")),
                number(baseline.path("cpu").path("load_generator").path("us_per_message")));
        Object ratioNow = cpu.get("stack_per_load_generator");
        out.printf("  %-22s %10s %10s %10s%n", "stack ÷ load generator", ratioThen == null ? "-" : ratioThen,
                ratioNow == null ? "-" : ratioNow, ratioThen == null || !(ratioNow instanceof Number n) ? ""
                        : String.format("%+.0f %%", 100.0 * (n.doubleValue() - ratioThen) / ratioThen));
        out.flush();
    }

    private static Number number(JsonNode node) {
        return node.isNumber() ? node.numberValue() : null;
    }

    private static void compareLine(PrintWriter out, String name, JsonNode then, Object now) {
        Long before = then.path("us_per_message").isNumber() ? then.path("us_per_message").asLong() : null;
        Long after = now instanceof Map<?, ?> usage && usage.get("us_per_message") instanceof Number n ? n.longValue() : null;
        String change = before == null || after == null || before == 0 ? "" : String.format("%+.0f %%", 100.0 * (after - before) / before);
        out.printf("  %-22s %10s %10s %10s%n", name, before == null ? "-" : before, after == null ? "-" : after, change);
    }

    private void print(Map<String, Object> report) {
        PrintWriter out = operator.out();
        if (operator.json()) {
            operator.printJson(report);
            return;
        }
        report.forEach((key, value) -> {
            if (key.equals("cpu") && value instanceof Map<?, ?> cpu) {
                printCpu(out, cpu);
            } else if (key.equals("cassandra") && value instanceof Map<?, ?> served && served.containsKey("cql_requests")) {
                out.printf("cassandra over the same window: %s CQL requests, per message: %s requests, %s reads, %s mutations%n",
                        served.get("cql_requests"), served.get("cql_requests_per_message"),
                        served.containsKey("reads_per_message") ? served.get("reads_per_message") : 0,
                        served.containsKey("mutations_per_message") ? served.get("mutations_per_message") : 0);
            } else if (key.equals("steps") && value instanceof List<?> steps) {
                printSteps(out, steps);
            } else {
                out.printf("%-22s %s%n", key, value);
            }
        });
        out.flush();
    }

    private static void printCpu(PrintWriter out, Map<?, ?> cpu) {
        out.printf("cpu over %s s (machine %s %% busy):%n", cpu.get("window_seconds"), cpu.get("machine_busy_percent"));
        out.printf("  %-22s %12s %12s %12s %12s%n", "process", "% of a core", "µs/message", "JIT share %", "wake-ups/msg");
        ((Map<?, ?>) cpu.get("processes")).forEach((name, usage) -> cpuLine(out, name.toString(), usage));
        cpuLine(out, "total (stack)", cpu.get("total"));
        cpuLine(out, "load generator", cpu.get("load_generator"));
        out.printf("  %-22s %12s %12s   (the host's speed drifts, and the load generator's cost with it: compare"
                + " runs by this)%n", "stack ÷ load generator", "", cpu.get("stack_per_load_generator"));
    }

    private static void cpuLine(PrintWriter out, String name, Object usage) {
        Map<?, ?> u = (Map<?, ?>) usage;
        out.printf("  %-22s %12s %12s %12s %12s%n", name, u.get("core_percent"), u.get("us_per_message"),
                u.containsKey("jit_percent_of_it") ? u.get("jit_percent_of_it") : "",
                u.containsKey("wake_ups_per_message") ? u.get("wake_ups_per_message") : "");
    }

    private static void printSteps(PrintWriter out, List<?> steps) {
        out.printf("%8s %12s %10s %10s %10s %12s %8s %6s%n", "msg/s", "delivered/s", "p50 ms", "p99 ms", "ack p99",
                "cpu µs/msg", "busy %", "held");
        for (Object item : steps) {
            Map<?, ?> s = (Map<?, ?>) item;
            Map<String, Object> cpu = s.get("cpu") instanceof Map<?, ?> c ? cast(c) : Map.of();
            Object total = cpu.get("total") instanceof Map<?, ?> t ? t.get("us_per_message") : "-";
            out.printf("%8s %12s %10s %10s %10s %12s %8s %6s%n", s.get("target_rate_per_s"), s.get("delivered_per_s"),
                    ((Map<?, ?>) s.get("send_to_receive")).get("p50_ms"), p99(cast(s), "send_to_receive"),
                    p99(cast(s), "send_to_ack"), total, cpu.getOrDefault("machine_busy_percent", "-"), s.get("held"));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
