package dev.chat.chatctl;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;


/**
 * One benchmark WebSocket: sends messages stamped with the send time (this JVM's nanoTime, so
 * latency needs no clock sync) and records every delivery and ack, and every gap or repeat in a
 * channel's seq. Counts as connected once the gateway's {@code hello} arrived (its channels are
 * subscribed then). A run has phases (a warm-up, then one per rate): a {@code client_id} starts
 * with its phase's tag, and only the current phase's messages are counted ({@link #startPhase}
 * forgets the previous one's). Thread-safe: the JDK client calls the listener sequentially; results are read after
 * the run under this object's lock.
 */
final class BenchSocket {

    private final long userId;
    private final RunRecord record;
    private final StringBuilder partial = new StringBuilder();
    private final Percentiles delivery = new Percentiles();
    private final Percentiles acks = new Percentiles();
    /** send → the message's created_at (the Redis step), and created_at → delivery: wall clock, ms. */
    private final Percentiles inbound = new Percentiles();
    private final Percentiles outbound = new Percentiles();
    private final Map<String, Long> sentAtWallMillis = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Long> sentAt = new java.util.concurrent.ConcurrentHashMap<>();
    /** sender:client_id → deliveries, and per sender the last sequence seen (order check). */
    private final Map<String, Integer> received = new HashMap<>();
    private final Map<Long, Long> lastSequence = new HashMap<>();
    /** channel → last seq seen (all messages, warm-up included: seq runs on across it). */
    private final Map<String, Long> lastSeq = new HashMap<>();
    private final CompletableFuture<BenchSocket> hello = new CompletableFuture<>();
    private long outOfOrder;
    private long seqGaps;
    private long errors;
    private String phase = "w.";
    private WebSocket socket;

    private BenchSocket(long userId, RunRecord record) {
        this.userId = userId;
        this.record = record;
    }

    /**
     * @param record where to note every send, ack and delivery for {@code chatctl verify} (null: nowhere)
     */
    static CompletableFuture<BenchSocket> connect(HttpClient http, URI gateway, long userId, String token, RunRecord record) {
        BenchSocket bench = new BenchSocket(userId, record);
        return http.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(20))
                .buildAsync(URI.create(gateway + "?token=" + token), bench.listener())
                .thenCompose(socket -> {
                    bench.socket = socket;
                    return bench.hello;
                });
    }

    long userId() {
        return userId;
    }

    /**
     * Starts counting a new phase: what earlier phases received is forgotten.
     *
     * @param tag the phase's name (letters and digits)
     */
    synchronized void startPhase(String tag) {
        phase = tag + ".";
        delivery.clear();
        acks.clear();
        inbound.clear();
        outbound.clear();
        received.clear();
        lastSequence.clear();
        outOfOrder = 0;
        seqGaps = 0;
        errors = 0;
    }

    /**
     * Sends one message of a phase.
     *
     * @param channelId the channel
     * @param tag       the phase
     * @param sequence  increases per sender within the phase
     */
    void send(String channelId, String tag, long sequence) {
        String clientId = tag + "." + userId + "-" + sequence;
        if (record != null) {
            record.add(new RunRecord.Sent(UUID.fromString(channelId), userId, clientId));
        }
        sentAt.put(clientId, System.nanoTime());
        sentAtWallMillis.put(clientId, System.currentTimeMillis());
        String frame = "{\"type\":\"message\",\"channel_id\":\"" + channelId + "\",\"client_id\":\"" + clientId
                + "\",\"content\":\"" + System.nanoTime() + "\"}";
        socket.sendText(frame, true).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Sends a heartbeat, as clients do every heartbeat_ms (it refreshes the socket's presence). */
    void heartbeat() {
        socket.sendText("{\"type\":\"heartbeat\"}", true);
    }

    synchronized Percentiles delivery() {
        return delivery;
    }

    synchronized Percentiles acks() {
        return acks;
    }

    synchronized Percentiles inbound() {
        return inbound;
    }

    synchronized Percentiles outbound() {
        return outbound;
    }

    synchronized Map<String, Integer> received() {
        return new HashMap<>(received);
    }

    synchronized long outOfOrder() {
        return outOfOrder;
    }

    synchronized long seqGaps() {
        return seqGaps;
    }

    synchronized long errors() {
        return errors;
    }

    void close() {
        socket.abort();
    }

    private synchronized void onFrame(BenchFrame frame) {
        long now = System.nanoTime();
        switch (frame.type() == null ? "" : frame.type()) {
            case "hello" -> hello.complete(this);
            case "message" -> {
                if (record != null) {
                    record.add(new RunRecord.Received(UUID.fromString(frame.channelId()), userId, frame.senderId(),
                            frame.clientId(), UUID.fromString(frame.messageId()), frame.seq(), frame.epoch()));
                }
                Long lastInChannel = lastSeq.put(frame.channelId(), frame.seq());
                if (lastInChannel != null && frame.seq() != lastInChannel + 1) {
                    seqGaps++;
                }
                long sender = frame.senderId();
                String clientId = frame.clientId() == null ? "" : frame.clientId();
                if (!clientId.startsWith(phase)) {
                    return;
                }
                received.merge(sender + ":" + clientId, 1, Integer::sum);
                delivery.add(now - Long.parseLong(frame.content()));
                outbound.add(TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()
                        - java.time.Instant.parse(frame.createdAt()).toEpochMilli()));
                long sequence = Long.parseLong(clientId.substring(clientId.lastIndexOf('-') + 1));
                Long last = lastSequence.put(sender, sequence);
                if (last != null && sequence <= last) {
                    outOfOrder++;
                }
            }
            case "ack" -> {
                String clientId = frame.clientId() == null ? "" : frame.clientId();
                if (record != null) {
                    record.add(new RunRecord.Acked(UUID.fromString(frame.channelId()), userId, clientId,
                            UUID.fromString(frame.messageId()), frame.seq(), frame.epoch()));
                }
                if (!clientId.startsWith(phase)) {
                    return;
                }
                Long sent = sentAt.remove(clientId);
                if (sent != null) {
                    acks.add(now - sent);
                }
                Long sentWall = sentAtWallMillis.remove(clientId);
                if (sentWall != null) {
                    inbound.add(TimeUnit.MILLISECONDS.toNanos(
                            java.time.Instant.parse(frame.createdAt()).toEpochMilli() - sentWall));
                }
            }
            case "error" -> {
                if (frame.clientId() != null && frame.clientId().startsWith(phase)) {
                    errors++;
                }
            }
            default -> {
                // presence, typing: not measured
            }
        }
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        onFrame(BenchFrame.parse(partial.toString()));
                    } catch (Exception e) {
                        synchronized (BenchSocket.this) {
                            errors++;
                        }
                    }
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                // refused before hello (e.g. 1013 while the gateway cannot set sockets up): not connected
                hello.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason));
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                hello.completeExceptionally(error);
            }
        };
    }
}
