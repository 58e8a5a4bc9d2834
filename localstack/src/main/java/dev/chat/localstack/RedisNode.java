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
import java.util.List;

import redis.embedded.core.ExecutableProvider;

/**
 * Redis for the local stack: {@code redis-server} from the PATH where installed (e.g. Debian's
 * package), else the Redis 6.2 binary shipped inside the embedded-redis jar from Maven Central.
 */
final class RedisNode implements BackingService {

    private final StackSettings settings;
    private final Path dir;
    private ManagedProcess process;

    RedisNode(StackSettings settings) {
        this.settings = settings;
        this.dir = settings.dir().resolve("redis");
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public void start(Duration timeout) throws Exception {
        Files.createDirectories(dir);
        Path log = settings.logDir().resolve("redis.log");
        process = launchRetryingBusyBinary(List.of(executable(),
                        "--port", Integer.toString(settings.redisPort()),
                        "--bind", "127.0.0.1",
                        "--dir", dir.toString(),
                        // presence, dedupe and fan-out are rebuilt from Kafka/Cassandra/heartbeats:
                        // the local Redis keeps nothing on disk
                        "--save", "",
                        "--appendonly", "no"),
                log);
        Readiness.await("Redis on port " + settings.redisPort(), timeout, process, log, () -> {
            ping(settings.redisPort());
            return null;
        });
    }

    @Override
    public boolean isHealthy() {
        try {
            ping(settings.redisPort());
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
                return ManagedProcess.launch(name(), command, java.util.Map.of(), dir, log);
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
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            if (!"+PONG".equals(reply)) {
                throw new IOException("Redis answered PING with " + reply);
            }
        }
    }

    private String executable() throws IOException {
        for (String dirOnPath : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dirOnPath, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return ExecutableProvider.newJarResourceProvider().get().getAbsolutePath();
    }
}
