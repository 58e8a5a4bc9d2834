package dev.chat.chatctl;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.wire.Json;

/**
 * A chat client as a well-behaved app is written, for fault tests: it stays connected (on close
 * or failure it reconnects to the next gateway), resumes every channel where {@code hello} or a gap
 * shows it missed events, and sends again every message not acked yet with the same
 * {@code client_id} (after a reconnect, or when an ack is late) until it gives up after a long
 * time. Everything it sends, is acked and receives goes to the run record.
 */
final class FaultClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private final long userId;
    private final String token;
    private final List<URI> gateways;
    private final RunRecord record;
    private final AtomicInteger next;
    private final Map<UUID, Position> positions = new ConcurrentHashMap<>();
    private final Set<UUID> resuming = ConcurrentHashMap.newKeySet();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, Long> ackedAtNanos = new ConcurrentHashMap<>();
    private final Map<String, Long> firstSentNanos = new ConcurrentHashMap<>();
    private final AtomicInteger gaveUp = new AtomicInteger();
    private final AtomicInteger reconnects = new AtomicInteger();
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;
    private volatile CompletableFuture<Void> closedSocket = CompletableFuture.completedFuture(null);
    private volatile boolean closed;
    private final Thread keeper;

    private record Position(String epoch, long seq) {
    }

    private record Pending(UUID channelId, String frame, long firstSentNanos, long lastSentNanos) {
    }

    /**
     * @param first index of the gateway to try first
     */
    FaultClient(long userId, String token, List<URI> gateways, int first, RunRecord record) {
        this.userId = userId;
        this.token = token;
        this.gateways = gateways;
        this.record = record;
        this.next = new AtomicInteger(first);
        this.keeper = Thread.ofVirtual().name("fault-client-" + userId).start(this::keepConnected);
    }

    long userId() {
        return userId;
    }

    /** Waits until the first connection said hello. */
    void awaitConnected(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (socket == null || closedSocket.isDone()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("user " + userId + " could not connect to " + gateways);
            }
            Thread.sleep(20);
        }
    }

    /** Sends a new message (and keeps sending it until acked or given up). */
    void send(UUID channelId, String clientId) {
        long now = System.nanoTime();
        String frame = "{\"type\":\"message\",\"channel_id\":\"" + channelId + "\",\"client_id\":\"" + clientId
                + "\",\"content\":\"" + clientId + "\"}";
        pending.put(clientId, new Pending(channelId, frame, now, now));
        firstSentNanos.put(clientId, now);
        record.add(new RunRecord.Sent(channelId, userId, clientId));
        trySend(frame);
    }

    /**
     * Sends again what is not acked after {@code late}; drops (gives up on) what is older than
     * {@code giveUp}.
     */
    void retryUnacked(Duration late, Duration giveUp) {
        long now = System.nanoTime();
        for (var entry : pending.entrySet()) {
            Pending p = entry.getValue();
            if (now - p.firstSentNanos() > giveUp.toNanos()) {
                if (pending.remove(entry.getKey()) != null) {
                    gaveUp.incrementAndGet();
                }
            } else if (now - p.lastSentNanos() > late.toNanos()) {
                pending.put(entry.getKey(), new Pending(p.channelId(), p.frame(), p.firstSentNanos(), now));
                trySend(p.frame());
            }
        }
    }

    int pendingCount() {
        return pending.size();
    }

    int gaveUp() {
        return gaveUp.get();
    }

    int reconnects() {
        return reconnects.get();
    }

    /** @return when each acked client_id was first sent and acked (nanoTime), for recovery times */
    Map<String, long[]> sendAndAckTimes() {
        Map<String, long[]> times = new java.util.HashMap<>();
        ackedAtNanos.forEach((clientId, acked) -> times.put(clientId, new long[] {firstSentNanos.getOrDefault(clientId, acked), acked}));
        return times;
    }

    private void trySend(String frame) {
        WebSocket current = socket;
        if (current == null || closedSocket.isDone()) {
            return; // sent again after the reconnect
        }
        sendOn(current, frame);
    }

    /** One send at a time on a socket (the JDK client refuses overlapping sends). */
    private synchronized void sendOn(WebSocket target, String frame) {
        try {
            target.sendText(frame, true).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            target.abort(); // the keeper reconnects
        }
    }

    private void keepConnected() {
        while (!closed) {
            if (socket != null && !closedSocket.isDone()) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            URI gateway = gateways.get(Math.floorMod(next.getAndIncrement(), gateways.size()));
            CompletableFuture<Void> closing = new CompletableFuture<>();
            try {
                socket = HTTP.newWebSocketBuilder()
                        .buildAsync(URI.create(gateway + "?token=" + token), listener(closing))
                        .get(5, TimeUnit.SECONDS);
                closedSocket = closing;
                if (reconnects.getAndIncrement() > 0) {
                    pending.values().forEach(p -> trySend(p.frame())); // the same client_ids: stored once
                }
                next.decrementAndGet(); // stay on this gateway while it works
            } catch (Exception e) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private WebSocket.Listener listener(CompletableFuture<Void> closing) {
        return new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        onFrame(webSocket, Json.tree(partial.toString()));
                    } catch (Exception e) {
                        // a frame this client does not understand: ignored
                    }
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                if (statusCode == 1012) {
                    next.incrementAndGet(); // the gateway drains: reconnect to the next one
                }
                partial.setLength(0);
                closing.complete(null);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                partial.setLength(0);
                closing.complete(null);
            }
        };
    }

    private void onFrame(WebSocket from, JsonNode frame) {
        switch (frame.path("type").asText()) {
            case "hello" -> {
                resuming.clear();
                for (JsonNode head : frame.path("channels")) {
                    UUID channel = UUID.fromString(head.path("channel_id").asText());
                    Position known = positions.get(channel);
                    String epoch = head.path("epoch").isNull() ? null : head.path("epoch").asText();
                    if (known == null) {
                        positions.put(channel, new Position(epoch, head.path("seq").asLong()));
                    } else if (!java.util.Objects.equals(epoch, known.epoch()) || head.path("seq").asLong() > known.seq()) {
                        resume(from, channel, known);
                    }
                }
            }
            case "message" -> {
                UUID channel = UUID.fromString(frame.path("channel_id").asText());
                String epoch = frame.path("epoch").asText();
                long seq = frame.path("seq").asLong();
                record.add(new RunRecord.Received(channel, userId, frame.path("sender_id").asLong(),
                        frame.path("client_id").asText(), UUID.fromString(frame.path("message_id").asText()), seq, epoch));
                Position known = positions.get(channel);
                if (known == null || !epoch.equals(known.epoch())) {
                    positions.put(channel, new Position(epoch, seq)); // a new sequence (after Redis lost its state)
                } else if (seq == known.seq() + 1) {
                    positions.put(channel, new Position(epoch, seq));
                } else if (seq > known.seq() + 1) {
                    resume(from, channel, known); // a gap: ask for what is missing
                }
            }
            case "resumed", "resync" -> {
                UUID channel = UUID.fromString(frame.path("channel_id").asText());
                positions.put(channel, new Position(frame.path("epoch").asText(), frame.path("seq").asLong()));
                resuming.remove(channel);
            }
            case "ack" -> {
                String clientId = frame.path("client_id").asText();
                record.add(new RunRecord.Acked(UUID.fromString(frame.path("channel_id").asText()), userId, clientId,
                        UUID.fromString(frame.path("message_id").asText()), frame.path("seq").asLong(), frame.path("epoch").asText()));
                pending.remove(clientId);
                ackedAtNanos.putIfAbsent(clientId, System.nanoTime());
            }
            default -> {
                // errors (unavailable, rate_limited) leave the message pending: it is sent again
            }
        }
    }

    private void resume(WebSocket from, UUID channel, Position known) {
        if (!resuming.add(channel)) {
            return;
        }
        String epoch = known.epoch() == null ? "null" : "\"" + known.epoch() + "\"";
        String frame = "{\"type\":\"resume\",\"channel_id\":\"" + channel + "\",\"epoch\":" + epoch + ",\"after_seq\":"
                + known.seq() + "}";
        Thread.ofVirtual().start(() -> sendOn(from, frame)); // not on the listener's thread
    }

    @Override
    public void close() {
        closed = true;
        keeper.interrupt();
        WebSocket current = socket;
        if (current != null) {
            current.abort();
        }
    }
}
