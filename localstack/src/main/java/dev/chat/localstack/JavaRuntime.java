package dev.chat.localstack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The Java runtime this process runs on, for starting other JVMs (Kafka, our services) on it. */
public final class JavaRuntime {

    private JavaRuntime() {
    }

    /** @return the {@code java} executable of this JVM */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Flags that silence JDK warnings about Netty's and Kafka's use of {@code sun.misc.Unsafe} and
     * native access; each only where this JDK knows it.
     *
     * @return JVM options
     */
    public static List<String> quietFlags() {
        List<String> flags = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 23) {
            flags.add("--sun-misc-unsafe-memory-access=allow");
        }
        return flags;
    }
}
