package dev.chat.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An operating-system process the local stack started (or found recorded from an earlier run):
 * launched with its output in a log file, stopped politely (SIGTERM) and then by force.
 */
public final class ManagedProcess {

    private static final System.Logger LOG = System.getLogger(ManagedProcess.class.getName());

    private final String name;
    private final ProcessHandle handle;
    /** The process when this JVM started it (its exit code can be read), else null. */
    private final Process process;

    private ManagedProcess(String name, ProcessHandle handle, Process process) {
        this.name = name;
        this.handle = handle;
        this.process = process;
    }

    /**
     * Starts a process whose stdout and stderr are appended to {@code log}.
     *
     * @param name    what it is, for messages
     * @param command program and arguments
     * @param env     extra environment variables
     * @param workDir working directory
     * @param log     log file (created with its parent directories)
     * @return the started process
     * @throws IOException if it cannot be started
     */
    public static ManagedProcess launch(String name, List<String> command, Map<String, String> env,
                                        Path workDir, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        Files.createDirectories(workDir);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        Process process = builder.start();
        LOG.log(System.Logger.Level.DEBUG, "started {0} pid {1}: {2}", name, process.pid(), command);
        return new ManagedProcess(name, process.toHandle(), process);
    }

    /**
     * A process recorded by an earlier run, if it is still alive.
     *
     * @param name what it is
     * @param pid  recorded process id
     * @return the live process, or empty
     */
    public static Optional<ManagedProcess> find(String name, long pid) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(h -> new ManagedProcess(name, h, null));
    }

    /** @return process id */
    public long pid() {
        return handle.pid();
    }

    /** @return its exit code once it has exited, if this JVM started it */
    public Optional<Integer> exitCode() {
        return process == null || process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    /** @return whether it still runs */
    public boolean isAlive() {
        return handle.isAlive();
    }

    /** @return the command line, where the OS shows it */
    public Optional<String> commandLine() {
        return handle.info().commandLine();
    }

    /**
     * Stops the process and everything it started: SIGTERM, then SIGKILL after {@code grace}.
     *
     * @param grace how long to wait for a clean exit
     */
    public void stop(Duration grace) {
        List<ProcessHandle> descendants = handle.descendants().toList();
        if (handle.isAlive()) {
            handle.destroy();
            try {
                handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "{0} (pid {1}) did not stop within {2}; killing it",
                        name, handle.pid(), grace);
            }
            handle.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** Kills the process and its children at once (SIGKILL), as a crash would. */
    public void kill() {
        handle.descendants().forEach(ProcessHandle::destroyForcibly);
        handle.destroyForcibly();
        try {
            handle.onExit().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "{0} (pid {1}) survived SIGKILL", name, handle.pid());
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + handle.pid() + ")";
    }
}
