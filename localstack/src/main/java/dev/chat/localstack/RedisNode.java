package dev.chat.localstack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One Redis 7 server of the local stack ({@link RedisBinaries}): the single node every service uses
 * by default, or one master of the {@link RedisCluster}. Keeps nothing on disk: presence, dedupe
 * and fan-out are rebuilt from Kafka, Cassandra and heartbeats.
 */
final class RedisNode implements BackingService {

    private final String name;
    private final int port;
    private final List<String> extraArguments;
    private final RedisBinaries binaries;
    private final Path dir;
    private final Path logDir;
    private ManagedProcess process;

    /**
     * @param settings       the stack's settings (state and log directories)
     * @param name           e.g. redis, redis-cluster-1 (its directory and log file)
     * @param port           its port
     * @param extraArguments more redis-server arguments (cluster mode)
     */
    RedisNode(StackSettings settings, String name, int port, List<String> extraArguments) {
        this.name = name;
        this.port = port;
        this.extraArguments = List.copyOf(extraArguments);
        this.binaries = new RedisBinaries(settings);
        this.dir = settings.dir().resolve(name);
        this.logDir = settings.logDir();
    }

    /** @return the single-node Redis on {@code redis.port} */
    static RedisNode single(StackSettings settings) {
        return new RedisNode(settings, "redis", settings.redisPort(), List.of());
    }

    @Override
    public String name() {
        return name;
    }

    /** @return its port */
    int port() {
        return port;
    }

    @Override
    public void start(Duration timeout) throws Exception {
        Files.createDirectories(dir);
        Path log = logDir.resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(binaries.server().toString(),
                "--port", Integer.toString(port),
                "--bind", "127.0.0.1",
                "--dir", dir.toString(),
                "--save", "",
                "--appendonly", "no"));
        command.addAll(extraArguments);
        process = launchRetryingBusyBinary(command, log);
        Readiness.await("Redis on port " + port, timeout, process, log, () -> {
            ping(port);
            return null;
        });
    }

    @Override
    public boolean isHealthy() {
        try {
            ping(port);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public List<Long> pids() {
        return process == null ? List.of() : List.of(process.pid());
    }

    @Override
    public void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(10));
            process = null; // stopped on purpose: not a death to recover from
        }
    }

    /**
     * Starts redis-server. The binary is extracted just before; while the stack starts its other
     * servers in parallel, a fork in another thread can briefly hold the file open for writing, and
     * exec then fails with "Text file busy" (ETXTBSY): retry a few times.
     */
    private ManagedProcess launchRetryingBusyBinary(List<String> command, Path log) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return ManagedProcess.launch(name, command, Map.of(), dir, log);
            } catch (IOException e) {
                if (attempt >= 10 || e.getMessage() == null || !e.getMessage().contains("Text file busy")) {
                    throw e;
                }
                Thread.sleep(100L * attempt);
            }
        }
    }

    /** Sends PING in the Redis protocol and expects PONG. */
    static void ping(int port) throws IOException {
        String reply = command(port, "PING");
        if (!"PONG".equals(reply)) {
            throw new IOException("Redis answered PING with " + reply);
        }
    }

    /**
     * Sends one command and reads a simple, error or bulk string reply (enough for PING and
     * CLUSTER INFO; the stack needs no client library for that).
     *
     * @return the reply's text
     * @throws IOException if Redis does not answer or answers with an error
     */
    static String command(int port, String... arguments) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(2000);
            StringBuilder request = new StringBuilder("*").append(arguments.length).append("\r\n");
            for (String argument : arguments) {
                request.append('$').append(argument.length()).append("\r\n").append(argument).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null || line.isEmpty()) {
                throw new IOException("Redis on port " + port + " closed the connection");
            }
            return switch (line.charAt(0)) {
                case '+' -> line.substring(1);
                case '$' -> {
                    char[] body = new char[Integer.parseInt(line.substring(1))];
                    int read = 0;
                    while (read < body.length) {
                        int n = in.read(body, read, body.length - read);
                        if (n < 0) {
                            throw new IOException("Redis on port " + port + " closed the connection");
                        }
                        read += n;
                    }
                    yield new String(body);
                }
                default -> throw new IOException("Redis on port " + port + " answered " + line);
            };
        }
    }
}
