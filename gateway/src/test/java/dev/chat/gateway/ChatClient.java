package dev.chat.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.wire.Json;

/**
 * A real WebSocket client (the JDK's) for tests: records every frame it receives, sends JSON
 * frames, and can stop reading (a slow or dead device).
 */
final class ChatClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.BlockingQueue<JsonNode> inbox = new java.util.concurrent.LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final boolean reading;
    private WebSocket socket;

    private ChatClient(boolean reading) {
        this.reading = reading;
    }

    /** Connects with a bearer token in the Authorization header. */
    static ChatClient connect(int port, String token) {
        return connect(port, token, true);
    }

    /**
     * @param port    gateway port
     * @param token   bearer token
     * @param reading false for a client that never reads (its TCP window fills, it answers no ping)
     * @return the connected client
     */
    static ChatClient connect(int port, String token, boolean reading) {
        ChatClient client = open(URI.create("ws://127.0.0.1:" + port + "/ws"), token, reading);
        if (reading) {
            client.awaitHello();
        }
        return client;
    }

    /**
     * Connects as a browser does, which cannot set headers on a WebSocket: the token in
     * {@code ?token=}, no Authorization header. Does not wait for {@code hello}.
     */
    static ChatClient connectWithQueryToken(int port, String token) {
        return open(URI.create("ws://127.0.0.1:" + port + "/ws?token=" + token), null, true);
    }

    /** Connects to a server that says no hello (the bare WebSocket reference). */
    static ChatClient connectWithoutHello(int port, String token) {
        return open(URI.create("ws://127.0.0.1:" + port + "/ws"), token, true);
    }

    /** @param bearer the token for the Authorization header, or null for none */
    private static ChatClient open(URI uri, String bearer, boolean reading) {
        ChatClient client = new ChatClient(reading);
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (bearer != null) {
            builder.header("Authorization", "Bearer " + bearer);
        }
        client.socket = builder.buildAsync(uri, client.listener())
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
        return client;
    }

    /**
     * Waits for the {@code hello} that authenticated sockets get first: connected, as a client sees
     * it (the gateway has subscribed the socket's channels).
     *
     * @return the hello frame
     */
    JsonNode awaitHello() {
        return await(frame -> "hello".equals(frame.path("type").asText()), Duration.ofSeconds(10));
    }

    void send(Map<String, ?> frame) {
        sendText(Json.encode(frame));
    }

    void sendText(String text) {
        socket.sendText(text, true).orTimeout(5, TimeUnit.SECONDS).join();
    }

    void sendBinary(byte[] bytes) {
        socket.sendBinary(java.nio.ByteBuffer.wrap(bytes), true).orTimeout(5, TimeUnit.SECONDS).join();
    }

    /** @return every frame received so far */
    List<JsonNode> received() {
        return List.copyOf(received);
    }

    /** @return received frames of one type */
    List<JsonNode> received(String type) {
        return received.stream().filter(f -> type.equals(f.path("type").asText())).toList();
    }

    /** Waits for a frame matching the predicate; returns the first such frame. */
    JsonNode await(Predicate<JsonNode> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode frame : received) {
                if (match.test(frame)) {
                    return frame;
                }
            }
            pause();
        }
        throw new AssertionError("no matching frame within " + timeout + "; received " + received);
    }

    /**
     * Takes frames in arrival order, without polling delay, until one matches (for measurements).
     * Frames taken are gone from this queue but stay in {@link #received()}.
     */
    JsonNode take(Predicate<JsonNode> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode frame = inbox.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (frame == null) {
                throw new AssertionError("no matching frame within " + timeout);
            }
            if (match.test(frame)) {
                return frame;
            }
        }
    }

    /** Waits until at least {@code count} frames of a type arrived. */
    List<JsonNode> awaitCount(String type, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && received(type).size() < count) {
            pause();
        }
        List<JsonNode> frames = received(type);
        if (frames.size() < count) {
            throw new AssertionError("expected " + count + " '" + type + "' frames within " + timeout + ", got "
                    + frames.size());
        }
        return frames;
    }

    /** @return the close code the server sent, once it closed the socket */
    int awaitClose(Duration timeout) {
        return closed.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!closed.isDone() && !socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS)
                    .exceptionally(e -> null).join();
        }
        socket.abort();
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            @Override
            public void onOpen(WebSocket webSocket) {
                if (reading) {
                    webSocket.request(1);
                }
            }

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        JsonNode frame = Json.tree(partial.toString());
                        received.add(frame);
                        inbox.add(frame);
                    } catch (Exception e) {
                        throw new AssertionError("server sent a frame that is not JSON: " + partial, e);
                    }
                    partial.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closed.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closed.complete(-1);
            }
        };
    }
}
