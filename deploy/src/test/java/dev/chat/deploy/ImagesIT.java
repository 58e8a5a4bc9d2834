package dev.chat.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The images Jib built ({@code <module>/target/jib-image.tar}, OCI layout) hold what the
 * manifests and the docs promise: the entrypoint runs the module's main class on the image's own
 * Java, as the unprivileged user 65532, exposing the service's port. Then each image is really
 * run: its layers unpacked into a root file system and its entrypoint started there in a chroot
 * with its own (empty) network (as uid 65532 when this runs as root, else in a user namespace) — a
 * service must get as far as reading its configuration (it refuses a wrong setting given in the
 * environment, naming it), chatctl must print its help.
 */
class ImagesIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void imagesWereBuilt() {
        assumeTrue(System.getProperty("skipImages") == null, "images not built in this build (-DskipImages)");
    }

    @ParameterizedTest
    @CsvSource({
        "gateway, 8081, dev.chat.gateway.GatewayMain",
        "api, 8080, dev.chat.api.ApiMain",
        "persister, 8090, dev.chat.persister.PersisterMain",
        "notifier, 8091, dev.chat.notifier.NotifierMain",
        "chatctl, 0, dev.chat.chatctl.ChatCtl"})
    void theImageRunsItsMainClassAsNonRootOnItsPort(String module, int port, String mainClass, @org.junit.jupiter.api.io.TempDir Path work)
            throws Exception {
        Path tarball = Tool.ROOT.resolve(module).resolve("target/jib-image.tar");
        assertThat(tarball).as("built by jib:buildTar in the package phase").exists();
        run(List.of("tar", "xf", tarball.toString(), "-C", work.toString()));
        JsonNode manifest = blob(work, JSON.readTree(work.resolve("index.json").toFile()).path("manifests").get(0));
        JsonNode config = blob(work, manifest.path("config")).path("config");

        List<String> entrypoint = new ArrayList<>();
        config.path("Entrypoint").forEach(arg -> entrypoint.add(arg.asText()));
        assertThat(entrypoint).startsWith("/opt/java/bin/java").endsWith("-cp", "@/app/jib-classpath-file", mainClass);
        assertThat(config.path("User").asText()).isEqualTo("65532:65532");
        if (port > 0) {
            assertThat(iterable(config.path("ExposedPorts").fieldNames())).containsExactly(port + "/tcp");
        } else {
            assertThat(config.path("ExposedPorts").size()).isZero();
        }

        Path root = work.resolve("rootfs");
        Files.createDirectories(root.resolve("proc"));
        for (JsonNode layer : manifest.path("layers")) {
            run(List.of("tar", "xzf", blobPath(work, layer).toString(), "-C", root.toString()));
        }
        List<String> command = new ArrayList<>(List.of("unshare"));
        boolean asRoot = "root".equals(System.getProperty("user.name"));
        if (!asRoot) {
            command.add("--map-root-user");
        }
        // its own network (loopback only, down): it must not reach a stack running on this machine
        command.addAll(List.of("--net", "--mount", "--pid", "--fork", "--mount-proc=" + root.resolve("proc"), "chroot"));
        if (asRoot) {
            command.add("--userspec=65532:65532");
        }
        command.add(root.toString());
        command.addAll(entrypoint);
        Map<String, String> env = Map.of("CHAT_PROFILE", "production", "JAVA_HOME", "/opt/java");
        if (module.equals("chatctl")) {
            command.add("--help");
            Tool.Run help = runIn(command, env);
            assertThat(help.exit()).as(help.output()).isZero();
            assertThat(help.output()).contains("Usage: chatctl");
        } else {
            // a setting every service validates first, given a wrong value through the environment:
            // the refusal proves the main class ran and read its configuration (classpath + env)
            Map<String, String> wrong = new java.util.HashMap<>(env);
            wrong.put("CASSANDRA_CONSISTENCY", "SOMETIMES");
            String marker = "'cassandra.consistency' (CASSANDRA_CONSISTENCY) must be one of";
            String output = runUntil(command, wrong, marker);
            assertThat(output).as("it ran its main class and read its configuration").contains(marker);
        }
    }

    /** @return what the command printed by the time it printed {@code marker} (it is then stopped), or exited */
    private static String runUntil(List<String> command, Map<String, String> env, String marker) throws Exception {
        Process process = start(command, env);
        StringBuilder output = new StringBuilder();
        CountDownLatch printedOrExited = new CountDownLatch(1);
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    synchronized (output) {
                        output.append(line).append('\n');
                        if (output.indexOf(marker) >= 0) {
                            printedOrExited.countDown();
                        }
                    }
                }
            } catch (IOException e) {
                // the process was stopped
            } finally {
                printedOrExited.countDown(); // it exited (or closed its output) without the marker
            }
        });
        try {
            printedOrExited.await(60, TimeUnit.SECONDS);
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            reader.join(5_000);
        }
        synchronized (output) {
            return output.toString();
        }
    }

    private static JsonNode blob(Path layout, JsonNode descriptor) throws IOException {
        return JSON.readTree(blobPath(layout, descriptor).toFile());
    }

    private static Path blobPath(Path layout, JsonNode descriptor) {
        String digest = descriptor.path("digest").asText();
        return layout.resolve("blobs").resolve(digest.substring(0, digest.indexOf(':'))).resolve(digest.substring(digest.indexOf(':') + 1));
    }

    private static void run(List<String> command) throws Exception {
        Tool.Run run = runIn(command, Map.of());
        assertThat(run.exit()).as(String.join(" ", command) + ": " + run.output()).isZero();
    }

    private static Tool.Run runIn(List<String> command, Map<String, String> env) throws Exception {
        Process process = start(command, env);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return new Tool.Run(output, process.exitValue());
    }

    /** Starts the command with only this environment (the process in the chroot inherits it, as a container gets the image's). */
    private static Process start(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
