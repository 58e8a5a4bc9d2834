package dev.chat.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;

/**
 * A single-node Cassandra 5.0 for the local stack, run as its own JVM on Java 17 (Cassandra 5.0
 * does not run on newer JDKs) from the jars the build copies to
 * {@code localstack/dist/cassandra/target/lib}. Applies {@code config/cql/*.cql} in name order.
 */
final class CassandraNode implements BackingService {

    /** The data center of the single local node. */
    static final String DATACENTER = "datacenter1";
    /**
     * Timer slack of the node's threads: its shared worker pool parks 10 µs at a time for ~10 ms
     * after each burst of requests (~30 wake-ups per message at 100 msg/s); with 1 ms each park
     * lasts ~1 ms (~6 per message). Its other timed waits (10 ms and longer) hardly notice.
     */
    private static final Duration WORKER_SLACK = Duration.ofMillis(1);

    private final StackSettings settings;
    private final Path dir;
    private ManagedProcess process;

    CassandraNode(StackSettings settings) {
        this.settings = settings;
        this.dir = settings.dir().resolve("cassandra");
    }

    @Override
    public String name() {
        return "cassandra";
    }

    @Override
    public void start(Duration timeout) throws Exception {
        Files.createDirectories(dir);
        Path log = settings.logDir().resolve("cassandra.log");
        List<String> command = command();
        process = TimerSlack.spawnWith(WORKER_SLACK, () -> ManagedProcess.launch(name(), command, Map.of(), dir, log));
        try (CqlSession session = Readiness.await("Cassandra on port " + settings.cassandraPort(), timeout,
                process, log, () -> {
                    CqlSession s = session(settings.cassandraPort());
                    s.execute("SELECT release_version FROM system.local");
                    return s;
                })) {
            applySchema(session, settings.home().resolve("config/cql"));
        }
    }

    @Override
    public boolean isHealthy() {
        try (CqlSession session = session(settings.cassandraPort())) {
            return session.execute("SELECT release_version FROM system.local").one() != null;
        } catch (Exception e) {
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
            process.stop(Duration.ofSeconds(30));
            process = null; // stopped on purpose: not a death to recover from
        }
    }

    /**
     * Runs every statement of every {@code .cql} file in {@code cqlDir}, files in name order. The
     * statements are idempotent ({@code IF NOT EXISTS}), so this is safe on every start.
     *
     * @param session connected session
     * @param cqlDir  schema directory
     * @throws IOException if a file cannot be read
     */
    static void applySchema(CqlSession session, Path cqlDir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(cqlDir, "*.cql")) {
            stream.forEach(files::add);
        }
        files.sort(null);
        for (Path file : files) {
            for (String statement : statements(Files.readString(file))) {
                session.execute(statement);
            }
        }
    }

    /** Splits a CQL script into statements, dropping {@code --} comments. */
    static List<String> statements(String script) {
        StringBuilder withoutComments = new StringBuilder();
        script.lines().map(line -> {
            int comment = line.indexOf("--");
            return comment >= 0 ? line.substring(0, comment) : line;
        }).forEach(line -> withoutComments.append(line).append('\n'));
        return Stream.of(withoutComments.toString().split(";"))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    static CqlSession session(int port) {
        return CqlSession.builder()
                .addContactPoint(new InetSocketAddress("127.0.0.1", port))
                .withLocalDatacenter(DATACENTER)
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(20))
                        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(5))
                        .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(20))
                        .build())
                .build();
    }

    private List<String> command() throws IOException {
        Path libs = settings.cassandraLibs();
        if (!Files.isDirectory(libs)) {
            throw new IllegalStateException("Cassandra jars not found in " + libs
                    + ": build them with ./mvnw -q install -DskipTests (bin/chatctl does this)");
        }
        Path jamm;
        try (Stream<Path> jars = Files.list(libs)) {
            jamm = jars.filter(p -> p.getFileName().toString().startsWith("jamm-")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("jamm agent jar missing in " + libs));
        }
        List<String> command = new ArrayList<>();
        command.add(Java17.locate().toString());
        command.addAll(jvm17Options());
        command.addAll(List.of(
                "-Xms64m", "-Xmx" + settings.cassandraHeap(),
                "-javaagent:" + jamm,
                "-Dcassandra.config=" + writeYaml().toUri(),
                "-Dlogback.configurationFile=" + copyResource("cassandra-logback.xml"),
                "-Dcassandra-foreground=yes",
                "-Dcassandra.storagedir=" + dir,
                "-Dcassandra.logdir=" + settings.logDir(),
                // start-up speed: measured on this kind of machine (../shared/facts)
                "-Dcassandra.memtable_row_overhead_computation_step=100",
                // not cassandra.unsafesystem: it skips flushing the schema tables, and after a kill -9
                // the commit log then holds rows of columns the schema on disk does not know
                // ("Unknown column mentions during deserialization": the node never starts again)
                "-Dcassandra.skip_sync=true",
                "-Dcassandra.skip_wait_for_gossip_to_settle=0",
                "-Dcassandra.superuser_setup_delay_ms=0",
                // its worker pool renames a thread (a system call) each time it takes another stage's task
                "-Dcassandra.set_sep_thread_name=false",
                // its approximate clock is refreshed every 2 ms by default (500 wake-ups a second when
                // idle; at 10 ms still ~1 % of a core here); it times requests out (seconds) and
                // drops expired ones, for which a tenth of a second is precise enough
                "-Dcassandra.approximate_time_precision_ms=100",
                "-cp", libs + "/*",
                "org.apache.cassandra.service.CassandraDaemon"));
        return command;
    }

    private static List<String> jvm17Options() throws IOException {
        try (InputStream in = CassandraNode.class.getResourceAsStream("cassandra-jvm17.options")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<String> options = new ArrayList<>();
            for (String line : text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
                // "--add-exports x=y" is two arguments on the command line
                options.addAll(List.of(line.split("\\s+", 2)));
            }
            return options;
        }
    }

    private Path writeYaml() throws IOException {
        String template;
        try (InputStream in = CassandraNode.class.getResourceAsStream("cassandra.yaml")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path yaml = dir.resolve("cassandra.yaml");
        Files.writeString(yaml, template
                .replace("${storage_port}", Integer.toString(settings.cassandraStoragePort()))
                .replace("${native_port}", Integer.toString(settings.cassandraPort()))
                .replace("${dir}", dir.toString()));
        return yaml;
    }

    private Path copyResource(String name) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in = CassandraNode.class.getResourceAsStream(name)) {
            Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    /** Finds a Java 17 runtime for Cassandra. */
    static final class Java17 {

        private Java17() {
        }

        /**
         * {@code JAVA17_HOME}, then {@code -Dchat.java17}, then this JVM if it is 17, then
         * {@code /usr/lib/jvm/*17*}.
         *
         * @return path of the {@code java} executable
         */
        static Path locate() {
            List<String> tried = new ArrayList<>();
            for (String home : new String[] {System.getenv("JAVA17_HOME"), System.getProperty("chat.java17")}) {
                if (home != null && !home.isBlank()) {
                    Path java = Path.of(home, "bin", "java");
                    if (Files.isExecutable(java)) {
                        return java;
                    }
                    tried.add(java.toString());
                }
            }
            if (Runtime.version().feature() == 17) {
                return Path.of(System.getProperty("java.home"), "bin", "java");
            }
            Optional<Path> found = Optional.empty();
            Path jvms = Path.of("/usr/lib/jvm");
            if (Files.isDirectory(jvms)) {
                try (Stream<Path> homes = Files.list(jvms)) {
                    found = homes.filter(p -> p.getFileName().toString().matches(".*(-|jdk)17([.-].*)?"))
                            .map(p -> p.resolve("bin/java"))
                            .filter(Files::isExecutable)
                            .sorted()
                            .findFirst();
                } catch (IOException e) {
                    tried.add(jvms + " (" + e.getMessage() + ")");
                }
            }
            return found.orElseThrow(() -> new IllegalStateException(
                    "Cassandra 5.0 needs Java 17: set JAVA17_HOME to a JDK 17 (tried " + tried + ", /usr/lib/jvm/*17*)"));
        }
    }
}
