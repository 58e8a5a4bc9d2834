package dev.chat.notifier;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP endpoint on 127.0.0.1 that records every POST (headers and body) and answers with
 * the status a test chooses: a webhook receiver or a push service. Stops with {@link #close}.
 */
final class RecordingEndpoint implements AutoCloseable {

    /** One request as received. */
    record Request(String path, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }

        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    /** An answer: a status and a body (null for none). */
    record Reply(int status, String body) {
    }

    private volatile java.util.function.Function<Request, Reply> answer = request -> new Reply(200, null);

    /** @param port the port to listen on (0: any free one) */
    RecordingEndpoint(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Request request = new Request(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()), body);
            requests.add(request);
            Reply reply = answer.apply(request);
            if (reply.body() == null) {
                exchange.sendResponseHeaders(reply.status(), -1);
            } else {
                byte[] bytes = reply.body().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(reply.status(), bytes.length);
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** @param answer the status to answer each request with */
    void answer(ToIntFunction<Request> answer) {
        this.answer = request -> new Reply(answer.applyAsInt(request), null);
    }

    /** @param answer the status and body to answer each request with */
    void reply(java.util.function.Function<Request, Reply> answer) {
        this.answer = answer;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** @return the requests once {@code done} holds for them, failing after {@code timeout} */
    List<Request> await(Predicate<List<Request>> done, Duration timeout, String what) {
        return org.awaitility.Awaitility.await(what).atMost(timeout).pollInterval(Duration.ofMillis(50))
                .until(this::requests, done::test);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
