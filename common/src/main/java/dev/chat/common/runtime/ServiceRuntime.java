package dev.chat.common.runtime;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;

/**
 * What every service does around its own routes: health at {@code /observe/health} (ready only
 * when its backing services answer), metrics at {@code /observe/metrics}, and an orderly stop on
 * SIGTERM/Ctrl-C (the server first, then the clients in reverse order of opening).
 * Thread-safe: resources are registered at start-up, closed once.
 */
public final class ServiceRuntime implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ServiceRuntime.class.getName());

    static {
        // Netty (under Redisson and the Cassandra driver) samples buffers for leak reports by default,
        // filling a stack trace for each sampled one: a cost on every Redis reply, for a debugging aid.
        // -Dio.netty.leakDetection.level=simple turns it back on.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
    }

    private final String service;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final java.util.List<Runnable> beforeStop = new java.util.ArrayList<>();
    private WebServer server;
    private boolean closed;

    /**
     * @param service the service name, for logs
     */
    public ServiceRuntime(String service) {
        this.service = service;
    }

    /**
     * Registers a resource to close on stop; resources close in reverse order of registration.
     *
     * @param resource the resource
     * @param <T>      its type
     * @return the resource
     */
    public synchronized <T extends AutoCloseable> T own(T resource) {
        resources.push(resource);
        return resource;
    }

    /**
     * Registers work to do on stop before the web server stops (e.g. closing WebSocket sessions).
     *
     * @param action the action
     */
    public synchronized void beforeStop(Runnable action) {
        beforeStop.add(action);
    }

    /**
     * The observability feature every service registers on its web server. Health answers with
     * each check's state and error only where {@code observe.healthdetails} is true (default: on the
     * local profile only); otherwise 204 when ready and 503 when not, without a body, because the
     * errors name hosts, ports and users of the backing services. Failing checks are logged either way.
     *
     * @param config configuration root
     * @param checks readiness checks of the backing services
     * @return health + metrics observers
     */
    public static ObserveFeature observe(Config config, List<HealthCheck> checks) {
        boolean details = config.get("observe.healthdetails").asBoolean().orElseGet(() -> ServiceConfig.localProfile(config));
        // each check as a gauge too (1 reachable, 0 not), so alert rules see a backing service go away;
        // the registry is per JVM and keeps a gauge's first supplier: it reads the latest service's check
        io.helidon.metrics.api.MeterRegistry registry = io.helidon.metrics.api.Metrics.globalRegistry();
        for (HealthCheck check : checks) {
            String name = check.name();
            GAUGED_CHECKS.put(name, check);
            CheckGauge gauge = CHECK_GAUGES.computeIfAbsent(name, CheckGauge::new);
            registry.getOrCreate(io.helidon.metrics.api.Gauge.builder("chat.health", gauge::read)
                    .description("1 while this readiness check passes (an informational one: while its service is reachable)")
                    .tags(io.helidon.metrics.api.Metrics.tags("check", name)));
        }
        return ObserveFeature.just(
                HealthObserver.builder()
                        .details(details)
                        .useSystemServices(false)
                        .addChecks(checks.toArray(HealthCheck[]::new))
                        .build(),
                MetricsObserver.create());
    }

    /** The checks the chat.health gauges read, by name (one service per JVM; in tests the latest started). */
    private static final java.util.Map<String, HealthCheck> GAUGED_CHECKS = new java.util.concurrent.ConcurrentHashMap<>();

    private static final java.util.Map<String, CheckGauge> CHECK_GAUGES = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A check's last result for the chat.health gauge. A scrape never waits for a probe (a backend
     * that does not answer would hold it for seconds): it reads the last result and, when that is
     * older than 10 s, starts a new probe in the background. NaN until the first probe finished.
     */
    private static final class CheckGauge {
        private static final long MAX_AGE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        private final String name;
        private final java.util.concurrent.atomic.AtomicBoolean probing = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile double value = Double.NaN;
        private volatile long probedAt = System.nanoTime() - MAX_AGE_NANOS - 1;

        CheckGauge(String name) {
            this.name = name;
        }

        double read() {
            if (System.nanoTime() - probedAt > MAX_AGE_NANOS && probing.compareAndSet(false, true)) {
                Thread.ofVirtual().name("health-gauge-" + name).start(() -> {
                    try {
                        value = reachable(GAUGED_CHECKS.get(name)) ? 1.0 : 0.0;
                        probedAt = System.nanoTime();
                    } finally {
                        probing.set(false);
                    }
                });
            }
            return value;
        }
    }

    private static boolean reachable(HealthCheck check) {
        try {
            io.helidon.health.HealthCheckResponse response = check.call();
            return response.status() == io.helidon.health.HealthCheckResponse.Status.UP
                    && !Boolean.FALSE.equals(response.details().get("reachable"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Starts the web server and installs the shutdown hook that stops it and the owned resources.
     *
     * @param serverConfig the {@code server} configuration node
     * @param setup        adds the service's routing and features
     * @return the started server
     */
    public WebServer start(Config serverConfig, java.util.function.Consumer<WebServerConfig.Builder> setup) {
        WebServerConfig.Builder builder = WebServer.builder()
                .config(serverConfig)
                .shutdownHook(false)
                .featuresDiscoverServices(false);
        setup.accept(builder);
        server = builder.build().start();
        if (server.port() < 0) {
            throw new IllegalStateException(service + " could not listen on " + serverConfig.get("host").asString().orElse("0.0.0.0")
                    + ":" + serverConfig.get("port").asString().orElse("?") + " (see the log above: port in use?)");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, service + "-shutdown"));
        LOG.log(System.Logger.Level.INFO, "{0} started on http://{1}:{2}", service,
                serverConfig.get("host").asString().orElse("0.0.0.0"), Integer.toString(server.port()));
        return server;
    }

    /** @return the port the server listens on (after {@link #start}) */
    public int port() {
        return server.port();
    }

    /** Stops the server, then closes resources in reverse order. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LOG.log(System.Logger.Level.INFO, "{0} stopping", service);
        for (Runnable action : beforeStop) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "{0}: stop action failed: {1}", service, e.getMessage());
            }
        }
        if (server != null) {
            server.stop();
        }
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "{0}: closing {1} failed: {2}", service, resource, e.getMessage());
            }
        }
        LOG.log(System.Logger.Level.INFO, "{0} stopped", service);
    }
}
