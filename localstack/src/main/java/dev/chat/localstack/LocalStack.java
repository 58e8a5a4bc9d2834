package dev.chat.localstack;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The local stack: real Redis, Kafka, Cassandra and PostgreSQL on loopback, started from artifacts
 * the build fetched, with their state under one directory. A JVM either owns the stack (it started
 * the servers and stops them when closed or on exit) or reuses a healthy stack another JVM owns.
 * Thread-safe: start-up is serialized by a file lock, so concurrent JVMs start only one stack.
 */
public final class LocalStack implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LocalStack.class.getName());
    private static LocalStack shared;

    private final StackSettings settings;
    private final List<BackingService> services;
    private volatile boolean owner;
    private volatile boolean closed;

    private LocalStack(StackSettings settings) {
        this.settings = settings;
        List<BackingService> all = new ArrayList<>(List.of(RedisNode.single(settings), new PostgresNode(settings),
                new KafkaNode(settings), new CassandraNode(settings), new S3ProxyNode(settings)));
        if (settings.redisCluster()) {
            all.add(new RedisCluster(settings));
        }
        this.services = List.copyOf(all);
    }

    /** Reports start-up progress, e.g. to an operator's terminal. */
    public interface Progress {
        /** Logs through {@link System.Logger}. */
        Progress LOG = new Progress() {
            @Override
            public void starting(String part) {
                LocalStack.LOG.log(System.Logger.Level.INFO, "starting {0}", part);
            }

            @Override
            public void ready(String part, Duration took) {
                LocalStack.LOG.log(System.Logger.Level.INFO, "{0} ready in {1} ms", part, took.toMillis());
            }
        };

        /** @param part what starts now */
        void starting(String part);

        /**
         * @param part what is ready
         * @param took how long it took
         */
        void ready(String part, Duration took);

        /** @param owner pid of the JVM that owns the healthy stack being reused */
        default void reused(long owner) {
            ready("local stack (reused, owned by pid " + owner + ")", Duration.ZERO);
        }
    }

    /**
     * The stack shared by every test in this JVM: started on first use (or reused if one is running)
     * and stopped when the JVM exits, if this JVM started it.
     *
     * @return the running stack
     */
    public static synchronized LocalStack shared() {
        if (shared == null) {
            try {
                LocalStack stack = create(StackSettings.load());
                Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "local-stack-stop"));
                stack.start(Progress.LOG);
                shared = stack;
            } catch (Exception e) {
                throw new IllegalStateException("Cannot start the local stack: " + e.getMessage(), e);
            }
        }
        return shared;
    }

    /**
     * A stack with these settings, not started yet. Register {@link #close()} (e.g. in a shutdown
     * hook) before {@link #start(Progress)}, so an interrupted start-up stops what it started.
     *
     * @param settings where and on which ports
     * @return the stack
     */
    public static LocalStack create(StackSettings settings) {
        return new LocalStack(settings);
    }

    /**
     * Reuses the healthy stack recorded in the settings' directory, or cleans up a dead one and
     * starts all four servers (in parallel), waits until each really answers, and applies the schema.
     *
     * @param progress told what starts and when it is ready
     * @return this stack, running
     * @throws Exception if a server does not come up; the others are stopped again
     */
    public LocalStack start(Progress progress) throws Exception {
        Files.createDirectories(settings.dir());
        try (FileChannel channel = FileChannel.open(settings.dir().resolve("stack.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            var recorded = StackState.read(settings.dir());
            if (recorded.isPresent()) {
                StackState state = recorded.get();
                if (state.ownerAlive()) {
                    List<String> unhealthy = services.stream().filter(s -> !s.isHealthy()).map(BackingService::name).toList();
                    if (unhealthy.isEmpty()) {
                        progress.reused(state.ownerPid());
                        return this;
                    }
                    throw new IllegalStateException("A local stack in " + settings.dir() + " is owned by pid "
                            + state.ownerPid() + " but " + unhealthy + " do not answer; stop that process"
                            + " (kill " + state.ownerPid() + ") or use another CHAT_STACK_DIR");
                }
                cleanUpStale(settings, state);
            }
            PostgresNode.postmasterPid(settings.dir().resolve("postgres"))
                    .flatMap(pid -> ManagedProcess.find("postgres (stale)", pid))
                    .ifPresent(p -> p.stop(Duration.ofSeconds(10)));
            List<String> taken = PortHolders.taken(PortHolders.backingPorts(settings));
            if (!taken.isEmpty()) {
                throw new IllegalStateException("ports the local stack needs are taken (another stack, in another"
                        + " directory than " + settings.dir() + "?):" + System.lineSeparator() + "  "
                        + String.join(System.lineSeparator() + "  ", taken) + System.lineSeparator()
                        + "Stop that process, or choose other ports (CHAT_STACK_REDIS_PORT, CHAT_STACK_KAFKA_PORT, ...).");
            }
            owner = true;
            startAll(settings, services, progress);
            recordState();
            return this;
        }
    }

    /**
     * Stops one server of a stack this JVM owns, as an outage would (failure tests).
     *
     * @param name redis, postgres, kafka or cassandra
     */
    public void stopServer(String name) {
        server(name).stop();
    }

    /**
     * Starts again a server stopped with {@link #stopServer}, on the same port and data.
     *
     * @param name redis, postgres, kafka or cassandra
     * @throws Exception if it does not become ready
     */
    public void startServer(String name) throws Exception {
        server(name).start(settings.readyTimeout());
        recordState();
    }

    /**
     * Sends a signal to one server of a stack this JVM owns (fault tests): {@code STOP} freezes it
     * (a stalled node: connections stay open, nothing answers), {@code CONT} thaws it, {@code KILL}
     * crashes it (then {@link #startServer} starts it again; Redis comes back empty).
     *
     * @param name   redis, postgres, kafka or cassandra
     * @param signal STOP, CONT or KILL
     * @throws Exception if the signal cannot be sent
     */
    public void signalServer(String name, String signal) throws Exception {
        if (!List.of("STOP", "CONT", "KILL").contains(signal)) {
            throw new IllegalArgumentException("signal must be STOP, CONT or KILL, was " + signal);
        }
        for (long pid : server(name).pids()) {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid + " (" + name + ") failed");
            }
            if (signal.equals("KILL")) {
                ProcessHandle.of(pid).ifPresent(process -> process.onExit().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join());
            }
        }
    }

    private BackingService server(String name) {
        if (!owner) {
            throw new IllegalStateException("this JVM reuses a stack it does not own; it cannot stop its servers");
        }
        return services.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no server " + name));
    }

    /** Told what the supervisor of the backing servers does ({@link #supervise}). */
    public interface Supervision {
        /**
         * @param server    the server that died
         * @param log       its log file
         * @param restartIn when it is started again
         */
        void died(String server, Path log, Duration restartIn);

        /**
         * @param server the server, answering again
         * @param took   how long its start took
         */
        void back(String server, Duration took);

        /**
         * @param server the server that did not come back
         * @param why    what went wrong
         */
        void failed(String server, String why);
    }

    /**
     * Watches the backing servers this JVM started until the stack is closed: one that died
     * (crashed, killed) is reported with its log file and started again on its own port and data
     * directory, after 1 s, doubling while it keeps dying within a minute of each start, up to
     * 30 s. The chat services keep running meanwhile and reconnect by themselves. Does nothing for
     * a stack this JVM reuses.
     *
     * @param listener told of each death and restart
     */
    public void supervise(Supervision listener) {
        if (!owner) {
            return;
        }
        Thread.ofPlatform().daemon().name("local-stack-supervisor").start(() -> {
            RestartBackoff backoff = new RestartBackoff(Duration.ofSeconds(30), Duration.ofSeconds(60));
            services.forEach(service -> backoff.started(service.name(), System.nanoTime()));
            while (!closed) {
                for (BackingService service : services) {
                    superviseOne(service, backoff, listener);
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private void superviseOne(BackingService service, RestartBackoff backoff, Supervision listener) {
        String name = service.name();
        long now = System.nanoTime();
        if (!backoff.scheduled(name)) {
            if (service.died()) {
                listener.died(name, settings.logDir().resolve(service.logName()), backoff.died(name, now));
            }
            return;
        }
        if (!backoff.due(name, now)) {
            return;
        }
        synchronized (this) { // close() waits for a restart under way, so nothing is left running
            if (closed) {
                return;
            }
            backoff.started(name, now);
            try {
                service.revive(settings.readyTimeout());
                recordState();
                listener.back(name, Duration.ofNanos(System.nanoTime() - now));
            } catch (Exception e) {
                listener.failed(name, e.getMessage() == null ? e.toString() : e.getMessage());
                // still dead: found again on the next pass, with a longer wait
            }
        }
    }

    /** @return where the servers can be reached */
    public StackEndpoints endpoints() {
        return StackEndpoints.of(settings);
    }

    /** @return the settings the stack runs with */
    public StackSettings settings() {
        return settings;
    }

    /** @return whether this JVM started the servers (and so stops them) */
    public boolean owner() {
        return owner;
    }

    /** Stops the servers if this JVM started them; a reused stack keeps running. */
    @Override
    public synchronized void close() {
        if (closed || !owner) {
            closed = true;
            return;
        }
        closed = true;
        stopAll(services);
        try {
            StackState.delete(settings.dir());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete stack state: {0}", e.getMessage());
        }
    }

    private static void startAll(StackSettings settings, List<BackingService> services, Progress progress)
            throws Exception {
        Files.createDirectories(settings.logDir());
        Map<BackingService, Future<?>> starts = new LinkedHashMap<>();
        List<Exception> failures = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (BackingService service : services) {
                starts.put(service, executor.submit(() -> {
                    long begin = System.nanoTime();
                    progress.starting(service.name());
                    service.start(settings.readyTimeout());
                    progress.ready(service.name(), Duration.ofNanos(System.nanoTime() - begin));
                    return null;
                }));
            }
            for (Future<?> start : starts.values()) {
                try {
                    start.get();
                } catch (ExecutionException e) {
                    failures.add(e.getCause() instanceof Exception cause ? cause : e);
                }
            }
        }
        if (!failures.isEmpty()) {
            stopAll(services);
            Exception first = failures.getFirst();
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    private void recordState() throws IOException {
        Map<String, List<Long>> pids = new LinkedHashMap<>();
        services.forEach(s -> pids.put(s.name(), s.pids()));
        new StackState(ProcessHandle.current().pid(), pids).write(settings.dir());
    }

    private static void stopAll(List<BackingService> services) {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (BackingService service : services) {
                executor.submit(service::stop);
            }
        }
    }

    /** Stops the servers a dead owner left behind, checking each pid still belongs to this stack. */
    private static void cleanUpStale(StackSettings settings, StackState state) throws IOException {
        String dir = settings.dir().toString();
        state.pids().forEach((name, pids) -> pids.forEach(pid -> ManagedProcess.find(name, pid)
                .filter(p -> p.commandLine().map(cmd -> cmd.contains(dir)).orElse(true))
                .ifPresent(p -> {
                    LOG.log(System.Logger.Level.WARNING, "stopping {0} left over by dead owner pid {1}",
                            p, state.ownerPid());
                    p.stop(Duration.ofSeconds(10));
                })));
        StackState.delete(settings.dir());
    }

    /** @return the directory holding the servers' logs */
    public Path logDir() {
        return settings.logDir();
    }
}
