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
 * S3Proxy, a real S3-compatible server (AWS signature v2/v4, presigned URLs), with its filesystem
 * backend under the stack's state directory, run as its own JVM from the jars
 * {@code localstack/dist/s3proxy} fetches. The bucket of uploads is a directory there, made before
 * the start. Production points the api at any S3-compatible service instead.
 */
final class S3ProxyNode implements BackingService {

    /** The bucket uploads go to. */
    static final String BUCKET = "chat-files";
    /** The local stack's S3 access key (S3Proxy checks signatures, so the api needs the pair). */
    static final String ACCESS_KEY = "local-access-key";
    /** Its secret: public, like the local stack's signing key. */
    static final String SECRET_KEY = "local-secret-key-not-for-production";

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final StackSettings settings;
    private final Path dir;
    private ManagedProcess process;

    S3ProxyNode(StackSettings settings) {
        this.settings = settings;
        this.dir = settings.dir().resolve("s3");
    }

    @Override
    public String name() {
        return "s3proxy";
    }

    @Override
    public void start(Duration timeout) throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve(BUCKET));
        Path properties = dir.resolve("s3proxy.properties");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + settings.s3Port(),
                "s3proxy.authorization=aws-v2-or-v4",
                // the web client PUTs uploads straight from the browser (the api's origin)
                "s3proxy.cors-allow-origins=*",
                "s3proxy.cors-allow-methods=GET PUT HEAD",
                "s3proxy.cors-allow-headers=*",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.identity=" + ACCESS_KEY,
                "jclouds.credential=" + SECRET_KEY,
                "jclouds.filesystem.basedir=" + data) + "\n");
        Path libs = settings.s3ProxyLibs();
        if (!Files.isDirectory(libs)) {
            throw new IllegalStateException("S3Proxy jars not found in " + libs
                    + ": build them with ./mvnw -q install -DskipTests (bin/chatctl does this)");
        }
        // S3Proxy ships no logging configuration (logback would log every byte at DEBUG): INFO for it, WARN for the rest
        Path logging = dir.resolve("logback.xml");
        Files.writeString(logging, """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%logger{36}] %msg%n</pattern></encoder>
                  </appender>
                  <logger name="org.gaul.s3proxy" level="INFO"/>
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        List<String> command = new ArrayList<>(List.of(JavaRuntime.java(), "-Xms32m", "-Xmx128m",
                "-Dlogback.configurationFile=" + logging));
        command.addAll(JavaRuntime.quietFlags());
        command.addAll(List.of("-cp", libs + "/*", "org.gaul.s3proxy.Main", "--properties", properties.toString()));
        Path log = settings.logDir().resolve("s3proxy.log");
        process = ManagedProcess.launch(name(), command, Map.of(), dir, log);
        Readiness.await("S3Proxy on port " + settings.s3Port(), timeout, process, log, () -> {
            if (!answers()) {
                throw new IOException("no answer yet");
            }
            return null;
        });
    }

    @Override
    public boolean isHealthy() {
        return answers();
    }

    /** @return whether an S3 server answers on the port (any HTTP answer: an anonymous request is refused) */
    private boolean answers() {
        try {
            HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + settings.s3Port() + "/"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
}
