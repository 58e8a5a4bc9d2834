package dev.chat.chatctl;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.Tokens;
import dev.chat.common.wire.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chatctl bench}: load against a running system. The fan-out run creates its own users
 * (local-stack login) and group channels through the api, connects every member to the gateways
 * in turn, has senders send at a fixed total rate, and reports delivered messages per second,
 * send→receive and send→ack latency, and messages lost, duplicated and out of order. The
 * connections run holds N idle sockets and reports how many opened and the gateway's heap growth.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Load a running system (127.0.0.1 only by default) and report throughput, latency and losses.",
            "The fan-out run needs the api's local-stack login (chatctl up turns it on)."},
        footerHeading = "%nExamples:%n",
        footer = {"  chatctl bench                                          10 channels x 5 members, 100 msg/s, 10 s",
            "  chatctl bench --gateway ws://127.0.0.1:8081/ws --gateway ws://127.0.0.1:8082/ws --rate 500 --duration PT30S",
            "  chatctl bench --connections 5000 --json",
            "  chatctl bench --persister 100000 --channels 100           the persister alone: messages stored per second"})
final class BenchCommand implements Callable<Integer> {

    /** The api's default api.maxmembersperrequest: a channel is created with this many, the owner adds the rest. */
    private static final int MEMBERS_AT_CREATION = 100;

    @Spec
    private CommandSpec spec;

    @Mixin
    private BackendOptions backend;

    @Mixin
    private OutputOptions output;

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
            description = "With --connections: how long to hold the sockets open, idle, while the gateway's CPU is measured (default: ${DEFAULT-VALUE}).")
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

    @Option(names = "--duration", defaultValue = "PT10S", description = "How long to send, ISO-8601 (default: ${DEFAULT-VALUE}).")
    private String duration;

    @Option(names = "--warmup", defaultValue = "PT15S",
            description = "Send at the same rate this long first, not counted: fresh JVMs compile for a minute (default: ${DEFAULT-VALUE}; PT0S for none).")
    private String warmup;

    @Option(names = "--record", paramLabel = "FILE",
            description = "Write every send, ack and delivery (JSON Lines) for chatctl verify.")
    private java.nio.file.Path recordFile;

    private final RunRecord record = new RunRecord();

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
            throw new CommandLine.ParameterException(spec.commandLine(), "--duration and --warmup must be ISO-8601, e.g. PT10S");
        }
        if (channels < 1 || members < 1 || senders < 1 || senders > members || rate < 1 || length.isNegative() || length.isZero()
                || (connections != null && connections < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--channels, --members, --rate, --duration and --connections must be positive, 1 <= --senders <= --members");
        }
        if (persister != null) {
            if (persister < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--persister must be positive");
            }
            Map<String, Object> report = new PersisterBench(backend.backends(), "chat-persister").run(persister, channels);
            print(report);
            return (long) report.get("lag_at_end") == 0 ? ChatCtl.OK : ChatCtl.FAILED;
        }
        return connections != null ? idle(connections) : fanOut(length, warmUp.isNegative() ? Duration.ZERO : warmUp);
    }

    private int fanOut(Duration length, Duration warmUp) throws Exception {
        String run = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        List<List<JsonNode>> channelMembers = new ArrayList<>();
        List<String> channelIds = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<List<Future<JsonNode>>> logins = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                List<Future<JsonNode>> list = new ArrayList<>();
                for (int m = 0; m < members; m++) {
                    String name = "bench-" + run + "-" + c + "-" + m;
                    list.add(pool.submit(() -> post("/api/v1/dev/login", null, Map.of("name", name))));
                }
                logins.add(list);
            }
            for (List<Future<JsonNode>> list : logins) {
                List<JsonNode> users = new ArrayList<>();
                for (Future<JsonNode> login : list) {
                    users.add(login.get());
                }
                channelMembers.add(users);
            }
        }
        for (int c = 0; c < channels; c++) {
            List<JsonNode> users = channelMembers.get(c);
            String owner = users.getFirst().path("token").asText();
            List<Long> ids = users.stream().map(u -> u.path("user_id").asLong()).toList();
            // the api takes at most api.maxmembersperrequest (100) members at creation; the owner adds the rest
            String channelId = post("/api/v1/channels", owner, Map.of("type", "group", "name", "bench-" + run + "-" + c,
                    "member_ids", ids.subList(0, Math.min(ids.size(), MEMBERS_AT_CREATION)))).path("channel_id").asText();
            for (long member : ids.subList(Math.min(ids.size(), MEMBERS_AT_CREATION), ids.size())) {
                post("/api/v1/channels/" + channelId + "/members", owner, Map.of("user_id", member));
            }
            channelIds.add(channelId);
        }
        List<List<BenchSocket>> sockets = new ArrayList<>();
        List<CompletableFuture<BenchSocket>> opening = new ArrayList<>();
        int next = 0;
        for (List<JsonNode> users : channelMembers) {
            for (JsonNode user : users) {
                opening.add(BenchSocket.connect(http, gateways.get(next++ % gateways.size()), user.path("user_id").asLong(),
                        user.path("token").asText(), recordFile == null ? null : record));
            }
        }
        CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        for (int c = 0; c < channels; c++) {
            sockets.add(opening.subList(c * members, (c + 1) * members).stream().map(CompletableFuture::join).toList());
        }
        // every socket has had its hello: its channels are subscribed on its gateway
        if (!warmUp.isZero()) {
            send(sockets, channelIds, warmUp, true);
        }
        long start = System.nanoTime();
        long sent = send(sockets, channelIds, length, false);
        double seconds = (System.nanoTime() - start) / 1e9;
        long expected = sent * members;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline && (deliveries(sockets) < expected || acks(sockets) < sent)) {
            Thread.sleep(100);
        }
        Map<String, Object> report = report(sockets, sent, expected, seconds);
        sockets.stream().flatMap(List::stream).forEach(BenchSocket::close);
        if (recordFile != null) {
            record.write(recordFile);
            report.put("record", recordFile.toString());
        }
        print(report);
        return (long) report.get("lost") == 0 && (long) report.get("duplicated") == 0 && (long) report.get("seq_gaps") == 0
                ? ChatCtl.OK : ChatCtl.FAILED;
    }

    /** Every sender sends at its share of the rate for {@code length}; returns how many were sent. */
    private long send(List<List<BenchSocket>> sockets, List<String> channelIds, Duration length, boolean warmUp)
            throws Exception {
        long sent = 0;
        int loopCount = channels * senders;
        double perSender = (double) rate / loopCount;
        long period = (long) (1e9 / perSender);
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Long>> loops = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                for (int s = 0; s < senders; s++) {
                    BenchSocket sender = sockets.get(c).get(s);
                    String channelId = channelIds.get(c);
                    // senders start evenly spread over one period: together a steady stream at --rate,
                    // not every sender firing at the same instant (a burst of channels × senders sends)
                    long phase = period * (c * senders + s) / loopCount;
                    loops.add(pool.submit(() -> sendLoop(sender, channelId, perSender, start + phase, start, length, warmUp)));
                }
            }
            for (Future<Long> loop : loops) {
                sent += loop.get();
            }
        }
        return sent;
    }

    private static long sendLoop(BenchSocket sender, String channelId, double perSecond, long first, long start,
                                 Duration length, boolean warmUp) throws InterruptedException {
        long sequence = 0;
        long end = start + length.toNanos();
        while (true) {
            long due = first + (long) (sequence / perSecond * 1e9);
            if (due >= end) {
                return sequence;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            sender.send(channelId, ++sequence, warmUp);
        }
    }

    private static long acks(List<List<BenchSocket>> sockets) {
        return sockets.stream().flatMap(List::stream).mapToLong(s -> s.acks().count()).sum();
    }

    private static long deliveries(List<List<BenchSocket>> sockets) {
        return sockets.stream().flatMap(List::stream).mapToLong(s -> s.received().values().stream().mapToLong(Integer::longValue).sum()).sum();
    }

    private Map<String, Object> report(List<List<BenchSocket>> sockets, long sent, long expected, double seconds) {
        Percentiles delivery = new Percentiles();
        Percentiles acks = new Percentiles();
        Percentiles inbound = new Percentiles();
        Percentiles outbound = new Percentiles();
        long unique = 0;
        long duplicated = 0;
        long outOfOrder = 0;
        long seqGaps = 0;
        long errors = 0;
        for (BenchSocket socket : sockets.stream().flatMap(List::stream).toList()) {
            delivery.addAll(socket.delivery());
            acks.addAll(socket.acks());
            inbound.addAll(socket.inbound());
            outbound.addAll(socket.outbound());
            for (int count : socket.received().values()) {
                unique++;
                duplicated += count - 1;
            }
            outOfOrder += socket.outOfOrder();
            seqGaps += socket.seqGaps();
            errors += socket.errors();
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("gateways", gateways.stream().map(URI::toString).toList());
        report.put("channels", channels);
        report.put("members_per_channel", members);
        report.put("senders_per_channel", senders);
        report.put("target_rate_per_s", rate);
        report.put("seconds", Math.round(seconds * 10) / 10.0);
        report.put("sent", sent);
        report.put("acked", (long) acks.count());
        report.put("expected_deliveries", expected);
        report.put("delivered", unique);
        report.put("delivered_per_s", Math.round(unique / seconds));
        report.put("lost", expected - unique);
        report.put("duplicated", duplicated);
        report.put("out_of_order", outOfOrder);
        report.put("seq_gaps", seqGaps);
        report.put("errors", errors);
        report.put("send_to_receive", delivery.summary());
        report.put("send_to_ack", acks.summary());
        // where the time goes, by the wall clock (1 ms resolution): before and after the Redis step
        report.put("send_to_sequenced", inbound.summary());
        report.put("sequenced_to_receive", outbound.summary());
        return report;
    }

    private int idle(int count) throws Exception {
        Tokens tokens = Tokens.create(backend.config());
        URI metrics = URI.create(gateways.getFirst().toString().replaceFirst("^ws", "http").replaceFirst("/ws$", "/observe/metrics"));
        double heapBefore = heapUsed(metrics);
        ProcessSample before = gatewayPid == null ? null : ProcessSample.of(gatewayPid);
        long base = 9_000_000_000L + ThreadLocalRandom.current().nextLong(1_000_000_000L);
        long start = System.nanoTime();
        List<CompletableFuture<BenchSocket>> opening = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            opening.add(BenchSocket.connect(http, gateways.get(i % gateways.size()), base + i,
                    tokens.issue(base + i, Duration.ofMinutes(30)), null));
            if (i % 50 == 49) {
                Thread.sleep(50_000L / Math.max(1, ramp)); // a steady ramp, not a connect storm
            }
        }
        List<BenchSocket> open = new ArrayList<>();
        long failed = 0;
        for (CompletableFuture<BenchSocket> future : opening) {
            try {
                open.add(future.get(60, TimeUnit.SECONDS));
            } catch (Exception e) {
                failed++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(2000);
        double heapAfter = heapUsed(metrics);
        ProcessSample opened = gatewayPid == null ? null : ProcessSample.of(gatewayPid);
        ProcessSample redisOpened = redisPid == null ? null : ProcessSample.of(redisPid);
        Duration holding = Duration.parse(hold);
        // idle as real clients are: a heartbeat every 15 s per socket (presence refresh), spread
        // evenly; the gateway's pings (every 30 s) and the clients' pongs
        Thread heartbeats = Thread.ofVirtual().start(() -> {
            long period = Duration.ofSeconds(15).toNanos() / Math.max(1, open.size());
            long due = System.nanoTime();
            for (int i = 0; !open.isEmpty() && !Thread.currentThread().isInterrupted(); i = (i + 1) % open.size()) {
                open.get(i).heartbeat();
                due += period;
                long wait = due - System.nanoTime();
                if (wait > 1_000_000) {
                    try {
                        Thread.sleep(Duration.ofNanos(wait));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
        Thread.sleep(holding.toMillis());
        heartbeats.interrupt();
        ProcessSample held = gatewayPid == null ? null : ProcessSample.of(gatewayPid);
        ProcessSample redisHeld = redisPid == null ? null : ProcessSample.of(redisPid);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("gateways", gateways.stream().map(URI::toString).toList());
        report.put("requested", count);
        report.put("open", open.size());
        report.put("failed", failed);
        report.put("seconds", Math.round(seconds * 10) / 10.0);
        report.put("first_gateway_heap_growth_bytes", Math.round(heapAfter - heapBefore));
        int onFirst = Math.max(1, open.size() / gateways.size());
        report.put("heap_bytes_per_connection", open.isEmpty() ? null : Math.round((heapAfter - heapBefore) / onFirst));
        if (gatewayPid != null) {
            report.put("gateway_rss_before_bytes", before.rssBytes());
            report.put("gateway_rss_open_bytes", opened.rssBytes());
            report.put("gateway_rss_held_bytes", held.rssBytes());
            report.put("rss_bytes_per_connection", Math.round((held.rssBytes() - before.rssBytes()) / (double) onFirst));
            report.put("held_seconds", holding.toSeconds());
            report.put("gateway_cpu_cores_while_idle", Math.round(held.coresSince(opened) * 10_000) / 10_000.0);
        }
        if (redisPid != null) {
            report.put("redis_cpu_cores_while_idle", Math.round(redisHeld.coresSince(redisOpened) * 10_000) / 10_000.0);
        }
        open.forEach(BenchSocket::close);
        print(report);
        return failed == 0 ? ChatCtl.OK : ChatCtl.FAILED;
    }

    private double heapUsed(URI metrics) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString());
        return response.body().lines().filter(l -> l.startsWith("memory_usedHeap_bytes"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(Double.NaN);
    }

    private JsonNode post(String path, String token, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.encode(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        for (int attempt = 1; ; attempt++) {
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                throw new ChatCtl.Unreachable("cannot reach the api at " + api + " (--api): " + e.getMessage());
            }
            if (response.statusCode() != 429 || attempt == 30) {
                break;
            }
            // rate limited (the local-stack login is limited per address): wait as told
            Thread.sleep(1000L * response.headers().firstValueAsLong("Retry-After").orElse(1));
        }
        if (response.statusCode() >= 300) {
            throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return Json.tree(response.body());
    }

    private void print(Map<String, Object> report) {
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            output.printJson(out, report);
            return;
        }
        report.forEach((key, value) -> out.printf("%-22s %s%n", key, value));
        out.flush();
    }
}
