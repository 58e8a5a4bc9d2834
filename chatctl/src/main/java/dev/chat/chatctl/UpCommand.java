package dev.chat.chatctl;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.chat.localstack.LocalStack;
import dev.chat.localstack.LocalVapidKeys;
import dev.chat.localstack.PortHolders;
import dev.chat.localstack.RestartBackoff;
import dev.chat.localstack.ServiceProcess;
import dev.chat.localstack.StackSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code chatctl up}: the whole chat system on this machine. Starts (or reuses) the local stack of
 * real Redis, Kafka, Cassandra, PostgreSQL and S3Proxy, then persister, notifier, api and the
 * gateways as separate processes; prints where to connect; supervises all of them (a service or
 * backing server that dies is reported and started again with back-off while the others keep
 * running); on Ctrl-C stops everything it started.
 */
@Command(name = "up",
        mixinStandardHelpOptions = true,
        description = {"Run the whole chat system locally on real Redis, Kafka, Cassandra and PostgreSQL.",
            "Stops everything it started on Ctrl-C."},
        footerHeading = "%nExamples:%n",
        footer = {"  chatctl up                      api on 8080, one gateway on 8081",
            "  chatctl up --gateways 3         gateways on 8081, 8082, 8083",
            "  chatctl up --gateways 3 --persisters 2 --apis 2",
            "                                  apis on 8080, 8180; persisters on 8090, 8190",
            "  chatctl up --redis-cluster      Redis as a 3-master cluster, sharded Pub/Sub",
            "  CHAT_STACK_DIR=/tmp/s chatctl up --api-port 9080 --gateway-port 9081"})
final class UpCommand implements Callable<Integer> {

    private static final int MAX_GATEWAYS = 16;
    private static final int MAX_INSTANCES = 4;
    /** Further instances of the api and the persister listen this far above the one before. */
    static final int INSTANCE_PORT_STEP = 100;

    @Spec
    private CommandSpec spec;

    @Option(names = "--gateways", defaultValue = "1", paramLabel = "N",
            description = "How many gateways to start, on consecutive ports (default: ${DEFAULT-VALUE}).")
    private int gateways;

    @Option(names = "--persisters", defaultValue = "1", paramLabel = "N",
            description = "How many persisters (one consumer group: they share the partitions; default: ${DEFAULT-VALUE}).")
    private int persisters;

    @Option(names = "--apis", defaultValue = "1", paramLabel = "N",
            description = "How many REST apis, each " + INSTANCE_PORT_STEP + " ports above the one before (default: ${DEFAULT-VALUE}).")
    private int apis;

    @Option(names = "--redis-cluster",
            description = "Run Redis as a three-master cluster and point the services at it with sharded Pub/Sub.")
    private boolean redisCluster;

    @Option(names = "--api-port", defaultValue = "8080", paramLabel = "PORT",
            description = "Port of the (first) REST api (default: ${DEFAULT-VALUE}).")
    private int apiPort;

    @Option(names = "--gateway-port", defaultValue = "8081", paramLabel = "PORT",
            description = "Port of the first gateway; the others follow (default: ${DEFAULT-VALUE}).")
    private int gatewayPort;

    @Option(names = "--persister-port", defaultValue = "8090", paramLabel = "PORT",
            description = "Port of the (first) persister's health and metrics (default: ${DEFAULT-VALUE}).")
    private int persisterPort;

    @Option(names = "--notifier-port", defaultValue = "8091", paramLabel = "PORT",
            description = "Port of the notifier's health and metrics (default: ${DEFAULT-VALUE}).")
    private int notifierPort;

    @Option(names = "--ready-timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "How long each service may take to become ready (default: ${DEFAULT-VALUE}).")
    private int readyTimeoutSeconds;

    @picocli.CommandLine.Mixin
    private OutputOptions output;

    /** Restarts of a service that keeps dying wait 1, 2, 4 … up to this long. */
    static final Duration MAX_RESTART_DELAY = Duration.ofSeconds(30);
    /** A service up this long counts as healthy again: its next restart waits 1 s. */
    static final Duration STABLE = Duration.ofSeconds(60);

    private final List<ServiceProcess> started = Collections.synchronizedList(new ArrayList<>());
    /** How to start each service again, by name. */
    private final Map<String, Launch> launches = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean stopping;

    private record Launch(StackSettings settings, String module, int port, Map<String, String> env, String heap) {
    }

    @Override
    public Integer call() throws Exception {
        validate();
        refuseTakenPorts();
        // with --json, progress goes to stderr and stdout gets one JSON line once everything is up
        PrintWriter out = output.json() ? spec.commandLine().getErr() : spec.commandLine().getOut();
        long begin = System.nanoTime();
        StackSettings settings = StackSettings.load().withRedisCluster(redisCluster);
        out.printf("Starting the chat system (state and logs in %s)%n", settings.dir());
        out.flush();

        LocalStack stack = LocalStack.create(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(stack, out), "chatctl-up-stop"));
        stack.start(new ProgressPrinter(out));
        stack.supervise(new BackingServerReports(out));

        String redis = redisCluster ? "cluster " + String.join(",", stack.endpoints().redisCluster()) + " (sharded Pub/Sub)"
                : stack.endpoints().redisAddress();
        Map<String, String> env = (redisCluster ? stack.endpoints().onRedisCluster() : stack.endpoints())
                .serviceEnvironment();
        // chatctl presence, connections, … read the Redis the services use
        new UpState(ProcessHandle.current().pid(), redisCluster ? stack.endpoints().redisCluster() : List.of())
                .write(settings.dir());
        List<ServiceProcess> services = new ArrayList<>();
        for (int i = 0; i < persisters; i++) {
            services.add(launch(settings, "persister", instanceName("persister", i, persisters),
                    persisterPort + i * INSTANCE_PORT_STEP, env, "256m"));
        }
        // Web Push: the notifier signs with the stack's VAPID key, the web client subscribes with its public half
        Map<String, String> pushEnv = new java.util.LinkedHashMap<>(env);
        pushEnv.putAll(LocalVapidKeys.environment(settings.dir()));
        services.add(launch(settings, "notifier", "notifier", notifierPort, pushEnv, "256m"));
        Map<String, String> apiEnv = new java.util.LinkedHashMap<>(pushEnv);
        apiEnv.put("API_DEVLOGIN", "true"); // POST /api/v1/dev/login: the local stack only
        apiEnv.put("API_CLIENTGATEWAYS", String.join(",", java.util.stream.IntStream.range(0, gateways)
                .mapToObj(i -> "ws://127.0.0.1:" + (gatewayPort + i) + "/ws").toList()));
        for (int i = 0; i < apis; i++) {
            services.add(launch(settings, "api", instanceName("api", i, apis), apiPort + i * INSTANCE_PORT_STEP,
                    apiEnv, "384m"));
        }
        Map<String, String> gatewayEnv = new java.util.LinkedHashMap<>(env);
        // the web client is served by the api: its pages may open sockets on the gateways
        gatewayEnv.put("GATEWAY_WEBORIGINS", String.join(",", instancePorts(apiPort, apis).stream()
                .map(port -> "http://127.0.0.1:" + port + ",http://localhost:" + port).toList()));
        for (int i = 0; i < gateways; i++) {
            Map<String, String> named = new java.util.LinkedHashMap<>(gatewayEnv);
            named.put("GATEWAY_NAME", "gateway-" + (i + 1)); // chatctl connections / chatctl drain gateway-1
            services.add(launch(settings, "gateway", "gateway-" + (i + 1), gatewayPort + i, named, "512m"));
        }
        awaitAll(services, out);

        printSummary(out, settings, redis, Duration.ofNanos(System.nanoTime() - begin));
        if (output.json()) {
            output.printJson(spec.commandLine().getOut(), Map.of(
                    "api", "http://127.0.0.1:" + apiPort + "/api/v1",
                    "apis", instancePorts(apiPort, apis).stream().map(p -> "http://127.0.0.1:" + p + "/api/v1").toList(),
                    "gateways", java.util.stream.IntStream.range(0, gateways)
                            .mapToObj(i -> "ws://127.0.0.1:" + (gatewayPort + i) + "/ws").toList(),
                    "persister", "http://127.0.0.1:" + persisterPort + "/observe/health",
                    "persisters", instancePorts(persisterPort, persisters).stream()
                            .map(p -> "http://127.0.0.1:" + p + "/observe/health").toList(),
                    "redis", redis,
                    "notifier", "http://127.0.0.1:" + notifierPort + "/observe/health",
                    "logs", settings.logDir().toString(),
                    "seconds", Duration.ofNanos(System.nanoTime() - begin).toMillis() / 1000.0));
        }
        return watch(out);
    }

    private void validate() {
        if (gateways < 1 || gateways > MAX_GATEWAYS) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--gateways must be between 1 and " + MAX_GATEWAYS + ", was " + gateways);
        }
        if (persisters < 1 || persisters > MAX_INSTANCES || apis < 1 || apis > MAX_INSTANCES) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--persisters and --apis must be between 1 and " + MAX_INSTANCES);
        }
        List<Integer> ports = new ArrayList<>(instancePorts(apiPort, apis));
        ports.addAll(instancePorts(persisterPort, persisters));
        ports.add(notifierPort);
        java.util.stream.IntStream.range(0, gateways).forEach(i -> ports.add(gatewayPort + i));
        for (int port : ports) {
            if (port < 1 || port > 65535) {
                throw new CommandLine.ParameterException(spec.commandLine(), "not a port: " + port);
            }
        }
        if (new java.util.HashSet<>(ports).size() < ports.size()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "the api, persister, notifier and gateway ports overlap");
        }
    }

    /**
     * Refuses to start when another process listens on a service's port: the readiness probes
     * would talk to it and call a service ready that never started.
     */
    private void refuseTakenPorts() {
        Map<Integer, String> ports = new java.util.LinkedHashMap<>();
        for (int i = 0; i < apis; i++) {
            ports.put(apiPort + i * INSTANCE_PORT_STEP, instanceName("api", i, apis));
        }
        for (int i = 0; i < gateways; i++) {
            ports.put(gatewayPort + i, "gateway-" + (i + 1));
        }
        for (int i = 0; i < persisters; i++) {
            ports.put(persisterPort + i * INSTANCE_PORT_STEP, instanceName("persister", i, persisters));
        }
        ports.put(notifierPort, "notifier");
        List<String> taken = PortHolders.taken(ports);
        if (!taken.isEmpty()) {
            throw new IllegalStateException("ports of the chat services are taken (is another chatctl up running?):%n  %s%n"
                    .formatted(String.join(String.format("%n  "), taken))
                    + "Stop that process, or choose other ports (--api-port, --gateway-port, --persister-port, --notifier-port).");
        }
    }

    private static List<Integer> instancePorts(int first, int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> first + i * INSTANCE_PORT_STEP).toList();
    }

    /** @return "api" for a single instance, "api-1", "api-2" … for several */
    private static String instanceName(String module, int index, int count) {
        return count == 1 ? module : module + "-" + (index + 1);
    }

    private ServiceProcess launch(StackSettings settings, String module, String name, int port,
                                  Map<String, String> env, String heap) throws java.io.IOException {
        ServiceProcess service = ServiceProcess.launch(settings.home(), module, name, port, env, settings.logDir(), heap);
        launches.put(name, new Launch(settings, module, port, env, heap));
        started.add(service);
        return service;
    }

    /** Waits for every service in parallel, printing each as it becomes ready. */
    private void awaitAll(List<ServiceProcess> services, PrintWriter out) throws Exception {
        ProgressPrinter progress = new ProgressPrinter(out);
        Duration timeout = Duration.ofSeconds(readyTimeoutSeconds);
        List<Future<?>> waits = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (ServiceProcess service : services) {
                waits.add(executor.submit(() -> {
                    long begin = System.nanoTime();
                    progress.starting(service.name());
                    service.awaitReady(timeout);
                    progress.ready(service.name() + "  (port " + service.port() + ")",
                            Duration.ofNanos(System.nanoTime() - begin));
                    return null;
                }));
            }
            for (Future<?> wait : waits) {
                try {
                    wait.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        }
    }

    private void printSummary(PrintWriter out, StackSettings settings, String redis, Duration took) {
        out.printf("%nThe chat system is up (%.1f s).%n", took.toMillis() / 1000.0);
        for (int port : instancePorts(apiPort, apis)) {
            out.printf("  REST api     http://127.0.0.1:%d/api/v1%n", port);
        }
        for (int i = 0; i < gateways; i++) {
            out.printf("  WebSocket    ws://127.0.0.1:%d/ws%n", gatewayPort + i);
        }
        for (int port : instancePorts(persisterPort, persisters)) {
            out.printf("  Persister    http://127.0.0.1:%d/observe/health%n", port);
        }
        out.printf("  Redis        %s%n", redis);
        out.printf("  Notifier     http://127.0.0.1:%d/observe/health (webhooks, Web Push)%n", notifierPort);
        out.printf("  Health       http://127.0.0.1:%d/observe/health (each service: /observe/health, /observe/metrics)%n",
                apiPort);
        out.printf("  Logs         %s%n", settings.logDir());
        out.printf("Press Ctrl-C to stop everything.%n");
        out.flush();
    }

    /**
     * Supervises the services until the JVM is stopped (Ctrl-C): a service that died is reported
     * and started again after a back-off (1 s, doubling up to {@link #MAX_RESTART_DELAY} while it
     * keeps dying within {@link #STABLE}); the others keep running meanwhile.
     */
    private int watch(PrintWriter out) throws InterruptedException {
        RestartBackoff backoff = new RestartBackoff(MAX_RESTART_DELAY, STABLE);
        started.forEach(service -> backoff.started(service.name(), System.nanoTime()));
        while (!stopping) {
            long now = System.nanoTime();
            for (ServiceProcess service : List.copyOf(started)) {
                String name = service.name();
                if (service.process().isAlive() || backoff.scheduled(name)) {
                    continue;
                }
                Duration delay = backoff.died(name, now);
                if (service.process().exitCode().orElse(-1) == 0) {
                    // a drained gateway exits 0 (chatctl drain): starting it again makes a rolling restart
                    out.printf("%s stopped (drained); starting it again in %d s.%n", name, delay.toSeconds());
                } else {
                    out.printf("%s exited unexpectedly (see %s); starting it again in %d s. The others keep running.%n",
                            name, service.log(), delay.toSeconds());
                }
                out.flush();
            }
            for (ServiceProcess service : List.copyOf(started)) {
                if (backoff.due(service.name(), now) && !stopping) {
                    backoff.started(service.name(), now);
                    restart(service.name(), out);
                }
            }
            Thread.sleep(500);
        }
        return ChatCtl.OK;
    }

    private void restart(String name, PrintWriter out) {
        Launch launch = launches.get(name);
        started.removeIf(service -> service.name().equals(name));
        try {
            ServiceProcess fresh = launch(launch.settings(), launch.module(), name, launch.port(), launch.env(), launch.heap());
            Thread.ofVirtual().start(() -> {
                try {
                    fresh.awaitReady(Duration.ofSeconds(readyTimeoutSeconds));
                    out.printf("%s is back (port %d).%n", name, launch.port());
                } catch (Exception e) {
                    out.printf("%s did not become ready again: %s%n", name, e.getMessage());
                }
                out.flush();
            });
        } catch (java.io.IOException | RuntimeException e) {
            out.printf("%s could not be started again: %s%n", name, e.getMessage());
            out.flush();
        }
    }

    private void stopAll(LocalStack stack, PrintWriter out) {
        stopping = true;
        out.printf("%nStopping...%n");
        out.flush();
        List<ServiceProcess> services = new ArrayList<>(started);
        Collections.reverse(services);
        // gateways first (they close their sockets and flush Kafka), then api, notifier and persister
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            services.forEach(service -> executor.submit(service::stop));
        }
        UpState.delete(stack.settings().dir());
        stack.close();
        out.printf("Stopped.%n");
        out.flush();
    }
}
