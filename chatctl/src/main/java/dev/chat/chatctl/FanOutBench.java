package dev.chat.chatctl;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.datastax.oss.driver.api.core.CqlSession;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The fan-out bench: creates its own users (local-stack login) and group channels through the
 * api, connects every member to the gateways in turn, then runs phases: one member per channel
 * (or {@code senders}) sends at a fixed total rate for a while, and the phase reports delivered
 * messages per second, send→receive and send→ack latency, messages lost, duplicated and out of
 * order, and the CPU each process of the stack spent per message. Phases reuse the sockets, so a
 * capacity search steps the rate without reconnecting. One thread drives it.
 */
final class FanOutBench implements AutoCloseable {

    /** The api's default api.maxmembersperrequest: a channel is created with this many, the owner adds the rest. */
    private static final int MEMBERS_AT_CREATION = 100;
    /** How long a phase waits for late deliveries and acks after its last send. */
    private static final Duration STRAGGLERS = Duration.ofSeconds(15);
    /** Logins sent at once while setting up. */
    private static final int LOGINS_IN_FLIGHT = 8;

    private final BenchApi api;
    private final List<URI> gateways;
    private final int channels;
    private final int members;
    private final int senders;
    private final RunRecord record;
    private final HttpClient http;
    private final List<List<BenchSocket>> sockets = new ArrayList<>();
    private final List<String> channelIds = new ArrayList<>();
    private int phases;

    /**
     * @param record where every send, ack and delivery is noted for chatctl verify (null: nowhere)
     */
    FanOutBench(HttpClient http, BenchApi api, List<URI> gateways, int channels, int members, int senders, RunRecord record) {
        this.http = http;
        this.api = api;
        this.gateways = gateways;
        this.channels = channels;
        this.members = members;
        this.senders = senders;
        this.record = record;
    }

    /** Creates the users and channels and connects every member; returns once each socket had its hello. */
    void connect() throws Exception {
        String run = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        List<List<JsonNode>> channelMembers = new ArrayList<>();
        // a few logins at a time: a thousand at once exhaust a cold api's connection pool
        try (ExecutorService pool = Executors.newFixedThreadPool(LOGINS_IN_FLIGHT, Thread.ofVirtual().factory())) {
            List<List<Future<JsonNode>>> logins = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                List<Future<JsonNode>> list = new ArrayList<>();
                for (int m = 0; m < members; m++) {
                    String name = "bench-" + run + "-" + c + "-" + m;
                    list.add(pool.submit(() -> api.post("/api/v1/dev/login", null, Map.of("name", name))));
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
            String channelId = api.post("/api/v1/channels", owner, Map.of("type", "group", "name", "bench-" + run + "-" + c,
                    "member_ids", ids.subList(0, Math.min(ids.size(), MEMBERS_AT_CREATION)))).path("channel_id").asText();
            for (long member : ids.subList(Math.min(ids.size(), MEMBERS_AT_CREATION), ids.size())) {
                api.post("/api/v1/channels/" + channelId + "/members", owner, Map.of("user_id", member));
            }
            channelIds.add(channelId);
        }
        List<CompletableFuture<BenchSocket>> opening = new ArrayList<>();
        int next = 0;
        for (List<JsonNode> users : channelMembers) {
            for (JsonNode user : users) {
                opening.add(BenchSocket.connect(http, gateways.get(next++ % gateways.size()), user.path("user_id").asLong(),
                        user.path("token").asText(), record));
            }
        }
        CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        for (int c = 0; c < channels; c++) {
            sockets.add(opening.subList(c * members, (c + 1) * members).stream().map(CompletableFuture::join).toList());
        }
    }

    /** Sends at {@code rate} for {@code length} without counting anything (JIT, caches, pools). */
    void warmUp(int rate, Duration length) throws Exception {
        all().forEach(socket -> socket.startPhase("w"));
        send("w", rate, length);
    }

    /**
     * One measured phase.
     *
     * @param rate      messages per second, all senders together
     * @param length    how long to send
     * @param processes the stack's processes whose CPU is read over the phase (empty: none)
     * @param cassandra  the Cassandra whose requests are counted over the phase (null: none)
     * @return the phase's report
     */
    Map<String, Object> phase(int rate, Duration length, Map<String, List<Long>> processes, CqlSession cassandra)
            throws Exception {
        String tag = "p" + (++phases);
        all().forEach(socket -> socket.startPhase(tag));
        StackCpu cpu = processes.isEmpty() ? null : StackCpu.start(processes);
        CassandraRequests requests = cassandra == null ? null : CassandraRequests.start(cassandra);
        long start = System.nanoTime();
        long sent = send(tag, rate, length);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> usage = cpu == null ? null : cpu.finish(sent);
        Map<String, Object> served = requests == null ? null : requests.finish(sent);
        long expected = sent * members;
        long deadline = System.nanoTime() + STRAGGLERS.toNanos();
        while (System.nanoTime() < deadline && (deliveries() < expected || acks() < sent)) {
            Thread.sleep(100);
        }
        Map<String, Object> report = report(rate, sent, expected, seconds);
        if (usage != null) {
            report.put("cpu", usage);
        }
        if (served != null) {
            report.put("cassandra", served);
        }
        return report;
    }

    @Override
    public void close() {
        all().forEach(BenchSocket::close);
    }

    private List<BenchSocket> all() {
        return sockets.stream().flatMap(List::stream).toList();
    }

    /** Every sender sends at its share of the rate for {@code length}; returns how many were sent. */
    private long send(String tag, int rate, Duration length) throws Exception {
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
                    // senders start evenly spread over one period: together a steady stream at the rate,
                    // not every sender firing at the same instant (a burst of channels × senders sends)
                    long phase = period * (c * senders + s) / loopCount;
                    loops.add(pool.submit(() -> sendLoop(sender, channelId, tag, perSender, start + phase, start, length)));
                }
            }
            for (Future<Long> loop : loops) {
                sent += loop.get();
            }
        }
        return sent;
    }

    private static long sendLoop(BenchSocket sender, String channelId, String tag, double perSecond, long first, long start,
                                 Duration length) throws InterruptedException {
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
            sender.send(channelId, tag, ++sequence);
        }
    }

    private long acks() {
        return all().stream().mapToLong(s -> s.acks().count()).sum();
    }

    private long deliveries() {
        return all().stream().mapToLong(s -> s.received().values().stream().mapToLong(Integer::longValue).sum()).sum();
    }

    private Map<String, Object> report(int rate, long sent, long expected, double seconds) {
        Percentiles delivery = new Percentiles();
        Percentiles acks = new Percentiles();
        Percentiles inbound = new Percentiles();
        Percentiles outbound = new Percentiles();
        long unique = 0;
        long duplicated = 0;
        long outOfOrder = 0;
        long seqGaps = 0;
        long errors = 0;
        for (BenchSocket socket : all()) {
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
}
