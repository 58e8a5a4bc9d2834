package dev.chat.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A single-node Kafka 4 (KRaft, combined broker and controller) for the local stack, run as its
 * own JVM from the jars the build copies to {@code localstack/dist/kafka/target/lib}. Creates the
 * {@code chat-messages} topic and its dead-letter topic.
 */
final class KafkaNode implements BackingService {

    private final StackSettings settings;
    private final Path dir;
    private ManagedProcess process;

    KafkaNode(StackSettings settings) {
        this.settings = settings;
        this.dir = settings.dir().resolve("kafka");
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public void start(Duration timeout) throws Exception {
        Files.createDirectories(dir);
        Path properties = writeServerProperties();
        Path log = settings.logDir().resolve("kafka.log");
        if (!Files.exists(dir.resolve("data/meta.properties"))) {
            format(properties, log);
        }
        process = ManagedProcess.launch(name(), java("kafka.Kafka", properties.toString()), Map.of(), dir, log);
        try (Admin admin = admin(settings.kafkaPort())) {
            Readiness.await("Kafka on port " + settings.kafkaPort(), timeout, process, log,
                    () -> admin.describeCluster().nodes().get(5, TimeUnit.SECONDS));
            Readiness.await("Kafka topics", timeout, process, log, () -> {
                createTopics(admin);
                return null;
            });
        }
    }

    @Override
    public boolean isHealthy() {
        try (Admin admin = admin(settings.kafkaPort())) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
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
            process.stop(Duration.ofSeconds(20));
            process = null; // stopped on purpose: not a death to recover from
        }
    }

    static Admin admin(int port) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        return Admin.create(props);
    }

    private void createTopics(Admin admin) throws Exception {
        Set<String> existing = admin.listTopics().names().get(5, TimeUnit.SECONDS);
        List<NewTopic> missing = new ArrayList<>();
        if (!existing.contains(StackSettings.MESSAGES_TOPIC)) {
            missing.add(new NewTopic(StackSettings.MESSAGES_TOPIC, settings.kafkaPartitions(), (short) 1));
        }
        if (!existing.contains(StackSettings.DEAD_LETTER_TOPIC)) {
            missing.add(new NewTopic(StackSettings.DEAD_LETTER_TOPIC, 1, (short) 1));
        }
        if (!missing.isEmpty()) {
            admin.createTopics(missing).all().get(10, TimeUnit.SECONDS);
        }
    }

    private void format(Path properties, Path log) throws IOException, InterruptedException {
        ManagedProcess formatter = ManagedProcess.launch("kafka-storage-format",
                java("kafka.tools.StorageTool", "format", "--ignore-formatted",
                        "-t", Uuid.randomUuid().toString(), "-c", properties.toString()),
                Map.of(), dir, log);
        for (int i = 0; i < 600 && formatter.isAlive(); i++) {
            Thread.sleep(100);
        }
        if (formatter.isAlive() || !Files.exists(dir.resolve("data/meta.properties"))) {
            formatter.stop(Duration.ofSeconds(1));
            throw new IllegalStateException("Formatting Kafka storage failed; see " + log);
        }
    }

    private List<String> java(String mainClass, String... args) {
        Path libs = settings.kafkaLibs();
        if (!Files.isDirectory(libs)) {
            throw new IllegalStateException("Kafka jars not found in " + libs
                    + ": build them with ./mvnw -q install -DskipTests (bin/chatctl does this)");
        }
        List<String> command = new ArrayList<>(List.of(JavaRuntime.java(), "-Xms64m", "-Xmx" + settings.kafkaHeap()));
        command.addAll(JavaRuntime.quietFlags());
        command.addAll(List.of(
                "-Djava.util.logging.config.file=" + resource("kafka-logging.properties"),
                "-Dchat.stack.dir=" + settings.dir(),
                "-cp", libs + "/*",
                mainClass));
        command.addAll(List.of(args));
        return command;
    }

    private Path resource(String name) {
        try {
            Path target = dir.resolve(name);
            try (var in = KafkaNode.class.getResourceAsStream(name)) {
                Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return target;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Path writeServerProperties() throws IOException {
        int port = settings.kafkaPort();
        int controller = settings.kafkaControllerPort();
        String text = String.join("\n",
                "# written by the local stack (KafkaNode); edits are overwritten",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controller,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=" + settings.kafkaPartitions(),
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=6",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // a development node on a small machine: a few request threads, not one per expected core
                "num.network.threads=2",
                "num.io.threads=2",
                "background.threads=2",
                // the controller writes a no-op record to the metadata log this often to show it is
                // alive (default 500 ms): with one node nobody needs to hear that twice a second
                "metadata.max.idle.interval.ms=5000",
                "log.retention.hours=168",
                "");
        Path file = dir.resolve("server.properties");
        Files.writeString(file, text);
        return file;
    }
}
