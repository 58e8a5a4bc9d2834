package dev.chat.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import org.junit.jupiter.api.Test;

/**
 * The reference for the gateway's latency: a bare Helidon WebSocket server that forwards every
 * text frame to the other sockets — no auth, no Redis, no Kafka, no JSON handling. The same
 * clients and method as {@link SendReceiveLatencyMeasurement}, so the difference is the cost of
 * the gateway's layers. Not a test (nothing asserted; outside the test suite, run only when asked,
 * with the {@code measurements} profile):
 * {@code ./mvnw -Pmeasurements -pl gateway -am verify -Dit.test=BareWebSocketMeasurement}.
 */
class BareWebSocketMeasurement {

    @Test
    void measure() throws InterruptedException {
        List<WsSession> sessions = new CopyOnWriteArrayList<>();
        WebServer server = WebServer.builder().host("127.0.0.1").port(0)
                .addRouting(WsRouting.builder().endpoint("/ws", () -> new WsListener() {
                    @Override
                    public void onOpen(WsSession session) {
                        sessions.add(session);
                    }

                    @Override
                    public void onMessage(WsSession session, String text, boolean last) {
                        for (WsSession other : sessions) {
                            if (other != session) {
                                other.send(text, true);
                            }
                        }
                    }

                    @Override
                    public void onClose(WsSession session, int status, String reason) {
                        sessions.remove(session);
                    }
                }))
                .build().start();
        int warmup = 200;
        int count = 2000;
        List<Long> delivery = new ArrayList<>();
        try (ChatClient sender = ChatClient.connectWithoutHello(server.port(), "unused");
             ChatClient receiver = ChatClient.connectWithoutHello(server.port(), "unused")) {
            for (int i = 0; i < warmup + count; i++) {
                String clientId = "bare-" + i;
                long start = System.nanoTime();
                sender.send(Map.of("type", "message", "client_id", clientId, "content", "ping"));
                receiver.take(f -> clientId.equals(f.path("client_id").asText()), Duration.ofSeconds(10));
                if (i >= warmup) {
                    delivery.add(System.nanoTime() - start);
                }
            }
        } finally {
            server.stop();
        }
        Collections.sort(delivery);
        System.out.printf("%nbare Helidon WebSocket forward (%d messages, one at a time):%n  p50 %.2f ms  p99 %.2f ms  p99.9 %.2f ms  max %.2f ms%n%n",
                count, delivery.get(count / 2) / 1e6, delivery.get((int) (count * 0.99) - 1) / 1e6,
                delivery.get((int) (count * 0.999) - 1) / 1e6, delivery.getLast() / 1e6);
    }
}
