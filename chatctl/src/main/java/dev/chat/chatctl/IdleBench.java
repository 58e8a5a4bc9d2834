package dev.chat.chatctl;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.chat.common.auth.Tokens;

/**
 * The connections bench: opens N idle sockets at a steady ramp, holds them with a heartbeat every
 * 15 s each (as clients do), and reports how many opened, the first gateway's heap growth and,
 * given its pid, its RSS and CPU while the sockets are held (and Redis's CPU). One thread drives it.
 */
final class IdleBench {

    private final HttpClient http;
    private final Tokens tokens;
    private final List<URI> gateways;
    private final Long gatewayPid;
    private final Long redisPid;

    IdleBench(HttpClient http, Tokens tokens, List<URI> gateways, Long gatewayPid, Long redisPid) {
        this.http = http;
        this.tokens = tokens;
        this.gateways = gateways;
        this.gatewayPid = gatewayPid;
        this.redisPid = redisPid;
    }

    /**
     * @param count   sockets to open
     * @param ramp    sockets opened per second
     * @param holding how long to hold them
     * @return the report; {@code failed} says how many did not open
     */
    Map<String, Object> run(int count, int ramp, Duration holding) throws Exception {
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
        return report;
    }

    private double heapUsed(URI metrics) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString());
        return response.body().lines().filter(l -> l.startsWith("memory_usedHeap_bytes"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(Double.NaN);
    }
}
