package dev.chat.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The live processes of a local stack, by name: the backing servers its owner recorded
 * ({@code stack.properties}) and the chat services {@code chatctl up} started (a {@code <name>.pid}
 * file beside each service's log). Read by {@code chatctl bench} to report CPU per process.
 */
public final class StackProcesses {

    private StackProcesses() {
    }

    /**
     * @param logDir the stack's log directory
     * @param name   a service instance (gateway-1, api, …)
     * @return where its pid is written
     */
    static Path pidFile(Path logDir, String name) {
        return logDir.resolve(name + ".pid");
    }

    /**
     * @param settings the stack's settings (its directory)
     * @return each live process's name and pid(s), backing servers first; empty if no stack runs there
     * @throws IOException if the state cannot be read
     */
    public static Map<String, List<Long>> find(StackSettings settings) throws IOException {
        Map<String, List<Long>> found = new LinkedHashMap<>();
        StackState.read(settings.dir()).ifPresent(state -> state.pids().forEach((name, pids) -> {
            List<Long> alive = pids.stream().filter(StackProcesses::alive).toList();
            if (!alive.isEmpty()) {
                found.put(name, alive);
            }
        }));
        if (Files.isDirectory(settings.logDir())) {
            List<Path> files;
            try (Stream<Path> list = Files.list(settings.logDir())) {
                files = list.filter(f -> f.getFileName().toString().endsWith(".pid")).sorted().toList();
            }
            for (Path file : files) {
                String name = file.getFileName().toString().replaceFirst("\\.pid$", "");
                try {
                    long pid = Long.parseLong(Files.readString(file).strip());
                    if (startedWhenWritten(pid, Files.getLastModifiedTime(file).toInstant())) {
                        found.computeIfAbsent(name, n -> new ArrayList<>()).add(pid);
                    }
                } catch (NumberFormatException | IOException e) {
                    // a file being written or removed: that service is skipped this time
                }
            }
        }
        return found;
    }

    /** @return whether the pid is alive and started about when its file was written (not a reused pid) */
    private static boolean startedWhenWritten(long pid, java.time.Instant written) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).flatMap(p -> p.info().startInstant())
                .map(started -> Math.abs(java.time.Duration.between(started, written).toSeconds()) < 60).orElse(false);
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
