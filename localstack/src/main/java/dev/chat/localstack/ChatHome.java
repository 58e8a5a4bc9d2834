package dev.chat.localstack;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the repository root ("chat home"): the directory that holds {@code config/} and the
 * build output the local stack runs (Kafka and Cassandra jars under {@code localstack/dist}).
 */
public final class ChatHome {

    private ChatHome() {
    }

    /**
     * The chat home: system property {@code chat.home}, else environment variable {@code CHAT_HOME},
     * else the nearest ancestor of the working directory that holds {@code config/localstack.properties}.
     *
     * @return absolute path of the repository root
     * @throws IllegalStateException if none can be found
     */
    public static Path locate() {
        String explicit = System.getProperty("chat.home", System.getenv("CHAT_HOME"));
        if (explicit != null && !explicit.isBlank()) {
            Path home = Path.of(explicit).toAbsolutePath().normalize();
            if (!isHome(home)) {
                throw new IllegalStateException("chat.home/CHAT_HOME=" + home
                        + " does not contain config/localstack.properties");
            }
            return home;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (isHome(dir)) {
                return dir;
            }
        }
        throw new IllegalStateException("Cannot find the chat repository root (a directory with"
                + " config/localstack.properties) above " + Path.of("").toAbsolutePath()
                + "; set CHAT_HOME or -Dchat.home");
    }

    private static boolean isHome(Path dir) {
        return Files.isRegularFile(dir.resolve("config/localstack.properties"));
    }
}
