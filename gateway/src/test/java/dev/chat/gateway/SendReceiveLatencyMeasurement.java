package dev.chat.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.runtime.ServiceRuntime;
import org.junit.jupiter.api.Test;

/**
 * A measurement, not a test (nothing asserted; outside the test suite, run only when asked):
 * send→receive and send→ack latency across two gateways on the local stack. Run it with the
 * {@code measurements} profile, which runs only measurements:
 * {@code ./mvnw -Pmeasurements -pl gateway -am verify -Dit.test=SendReceiveLatencyMeasurement}.
 * Messages go one at a time (each waits for its delivery) so the numbers are latency, not queueing.
 */
class SendReceiveLatencyMeasurement {

    @Test
    void measure() throws InterruptedException {
        int warmup = 200;
        int count = 2000;
        try (Fixtures fixtures = new Fixtures()) {
            ServiceRuntime a = GatewayMain.start(fixtures.config(Map.of()));
            ServiceRuntime b = GatewayMain.start(fixtures.config(Map.of()));
            long alice = fixtures.user("alice");
            long bob = fixtures.user("bob");
            UUID channel = fixtures.channel("group", alice, bob);
            List<Long> delivery = new ArrayList<>();
            List<Long> ack = new ArrayList<>();
            try (ChatClient sender = ChatClient.connect(a.port(), fixtures.token(alice));
                 ChatClient receiver = ChatClient.connect(b.port(), fixtures.token(bob))) {
                for (int i = 0; i < warmup + count; i++) {
                    String clientId = "lat-" + i;
                    long start = System.nanoTime();
                    sender.send(Map.of("type", "message", "channel_id", channel.toString(), "client_id", clientId,
                            "content", "ping " + Instant.now()));
                    receiver.take(f -> clientId.equals(f.path("client_id").asText()), Duration.ofSeconds(10));
                    long delivered = System.nanoTime();
                    sender.take(f -> "ack".equals(f.path("type").asText()) && clientId.equals(f.path("client_id").asText()),
                            Duration.ofSeconds(10));
                    long acked = System.nanoTime();
                    if (i >= warmup) {
                        delivery.add(delivered - start);
                        ack.add(acked - start);
                    }
                }
            } finally {
                a.close();
                b.close();
            }
            System.out.printf("%nsend -> receive across two gateways (%d messages, one at a time):%n  %s%n", count, summary(delivery));
            System.out.printf("send -> ack (Kafka acks=all):%n  %s%n%n", summary(ack));
        }
    }

    private static String summary(List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return String.format("p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms",
                at(sorted, 0.50), at(sorted, 0.99), at(sorted, 0.999), sorted.getLast() / 1e6);
    }

    private static double at(List<Long> sorted, double quantile) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(quantile * sorted.size()) - 1)) / 1e6;
    }
}
