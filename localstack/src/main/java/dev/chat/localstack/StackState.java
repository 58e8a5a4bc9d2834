package dev.chat.localstack;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * What a running local stack wrote down about itself ({@code <stack dir>/stack.properties}): the
 * JVM that owns it and the process ids of its servers, so another JVM can reuse a healthy stack
 * and a later run can clean up after a killed one.
 *
 * @param ownerPid pid of the JVM that started the servers and stops them on exit
 * @param pids     server name to the pids it runs
 */
record StackState(long ownerPid, Map<String, List<Long>> pids) {

    private static final String FILE = "stack.properties";

    static Optional<StackState> read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            props.load(reader);
        }
        Map<String, List<Long>> pids = new LinkedHashMap<>();
        for (String key : props.stringPropertyNames()) {
            if (key.endsWith(".pids")) {
                List<Long> list = new ArrayList<>();
                for (String pid : props.getProperty(key).split(",")) {
                    if (!pid.isBlank()) {
                        list.add(Long.parseLong(pid.strip()));
                    }
                }
                pids.put(key.substring(0, key.length() - ".pids".length()), list);
            }
        }
        return Optional.of(new StackState(Long.parseLong(props.getProperty("owner.pid", "-1")), pids));
    }

    void write(Path dir) throws IOException {
        Properties props = new Properties();
        props.setProperty("owner.pid", Long.toString(ownerPid));
        pids.forEach((name, list) -> props.setProperty(name + ".pids",
                String.join(",", list.stream().map(String::valueOf).toList())));
        Path tmp = dir.resolve(FILE + ".tmp");
        try (Writer writer = Files.newBufferedWriter(tmp)) {
            props.store(writer, "local stack: owner JVM and server pids (written by LocalStack)");
        }
        Files.move(tmp, dir.resolve(FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static void delete(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(FILE));
    }

    boolean ownerAlive() {
        return ProcessHandle.of(ownerPid).map(ProcessHandle::isAlive).orElse(false);
    }
}
