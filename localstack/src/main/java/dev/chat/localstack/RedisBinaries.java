package dev.chat.localstack;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The Redis 7 programs of the local stack ({@code redis-server}, {@code redis-cli}): the static
 * binaries inside the jar {@code localstack/dist/redis} copies from Maven Central, extracted once
 * into the state directory; on a platform the jar has no binary for, the program on the PATH.
 */
final class RedisBinaries {

    /** The Redis version the jar ships. */
    static final String VERSION = "7.0.9";

    private final StackSettings settings;

    RedisBinaries(StackSettings settings) {
        this.settings = settings;
    }

    /** @return the path of redis-server */
    Path server() throws IOException {
        return program("redis-server");
    }

    /** @return the path of redis-cli */
    Path cli() throws IOException {
        return program("redis-cli");
    }

    private synchronized Path program(String name) throws IOException {
        String entry = name + "-" + VERSION + "-" + platform();
        Path target = settings.dir().resolve("bin").resolve(entry);
        Path jar = settings.home().resolve("localstack/dist/redis/target/lib/embedded-redis.jar");
        if (Files.isExecutable(target)) {
            return target;
        }
        if (Files.isRegularFile(jar)) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                ZipEntry found = zip.getEntry(entry);
                if (found != null) {
                    Files.createDirectories(target.getParent());
                    Path partial = Files.createTempFile(target.getParent(), entry, ".part");
                    try (InputStream in = zip.getInputStream(found)) {
                        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                    }
                    if (!partial.toFile().setExecutable(true)) {
                        throw new IOException("cannot make " + partial + " executable");
                    }
                    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    return target;
                }
            }
        }
        return onPath(name).orElseThrow(() -> new IOException("No " + name + " " + VERSION + " for " + platform()
                + ": the build copies it to " + jar + " (run ./mvnw install -DskipTests), or install Redis 7"
                + " so that " + name + " is on the PATH (Debian: apt-get install redis-server redis-tools)"));
    }

    private static Optional<Path> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** @return e.g. linux-amd64, darwin-arm64 (the jar's naming) */
    private static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return (os.contains("mac") ? "darwin" : os.contains("linux") ? "linux" : os)
                + "-" + (arch.equals("x86_64") || arch.equals("amd64") ? "amd64"
                : arch.equals("aarch64") || arch.equals("arm64") ? "arm64" : arch);
    }
}
