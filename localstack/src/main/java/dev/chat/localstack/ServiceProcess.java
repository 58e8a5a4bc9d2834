package dev.chat.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;


/**
 * One of our services (gateway, persister, api) run from its built jar as a separate process,
 * with its log in the stack's log directory, and awaited until its readiness check passes. Used
 * by {@code chatctl up} and by tests that need a service as a real process.
 *
 * @param name    e.g. "gateway-1"
 * @param port    its HTTP port
 * @param process the running process
 * @param log     its log file
 */
public record ServiceProcess(String name, int port, ManagedProcess process, Path log) {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /**
     * Starts {@code <home>/<module>/target/chat-<module>.jar}.
     *
     * @param home   repository root
     * @param module gateway, persister or api
     * @param name   instance name
     * @param port   HTTP port
     * @param env    environment: backing service addresses
     * @param logDir where the log goes
     * @param heap   maximum heap, e.g. 256m
     * @return the started service
     * @throws IOException if it cannot be started
     */
    public static ServiceProcess launch(Path home, String module, String name, int port, Map<String, String> env,
                                 Path logDir, String heap) throws IOException {
        Path jar = home.resolve(module).resolve("target").resolve("chat-" + module + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build with ./mvnw -q package -DskipTests"
                    + " (bin/chatctl does this)");
        }
        List<String> command = new ArrayList<>(List.of(JavaRuntime.java(), "-Xmx" + heap));
        command.addAll(JavaRuntime.quietFlags());
        command.addAll(List.of("-jar", jar.toString()));
        Map<String, String> environment = new java.util.LinkedHashMap<>(env);
        environment.put("SERVER_PORT", Integer.toString(port));
        Path log = logDir.resolve(name + ".log");
        ManagedProcess process = ManagedProcess.launch(name, command, environment, home, log);
        // beside its log: how chatctl bench finds the service's process to read its CPU
        Files.writeString(StackProcesses.pidFile(logDir, name), Long.toString(process.pid()));
        return new ServiceProcess(name, port, process, log);
    }

    /** @return the service's readiness URL */
    public URI health() {
        return URI.create("http://127.0.0.1:" + port + "/observe/health");
    }

    /**
     * Waits until {@code /observe/health} answers 2xx (every backing service reachable).
     *
     * @param timeout deadline
     * @throws InterruptedException if interrupted
     */
    public void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited during start-up; see " + log);
            }
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(health())
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) { // 200 with details (local profile), 204 without
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " not ready after " + timeout.toSeconds() + " s (" + last
                + "); see " + log);
    }

    /** Stops it: SIGTERM, so it closes its sockets and flushes, then SIGKILL after a grace period. */
    public void stop() {
        process.stop(Duration.ofSeconds(15));
        forgetPid();
    }

    /** Kills it at once (SIGKILL), as a crash would. */
    public void kill() {
        process.kill();
        forgetPid();
    }

    private void forgetPid() {
        try {
            Files.deleteIfExists(StackProcesses.pidFile(log.getParent(), name));
        } catch (IOException e) {
            // a stale pid file is ignored by StackProcesses (the process it names is gone or younger)
        }
    }
}
