package dev.chat.chatctl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CPU the processes of a running stack spend over a bench's measured window: each process
 * (with its children: PostgreSQL's backends) read from {@code /proc/<pid>/stat} at the start and
 * the end, the machine's busy share from {@code /proc/stat}, and the load generator (this JVM)
 * apart, so "µs of CPU per message" can be reported per process. Next to the CPU, each process's
 * wake-ups per message: voluntary context switches of all its threads ({@code /proc/<pid>/task/
 * <tid>/status}), i.e. how often one of its threads waited and was woken again. On this kind of
 * machine a wake-up costs tens of µs of CPU whatever it carries, so they explain most of the cost
 * (docs/benchmarks.md). One thread.
 */
final class StackCpu {

    private final Map<String, List<Long>> processes;
    private final Map<String, Long> startTicks = new LinkedHashMap<>();
    private final Map<String, Long> startJit = new LinkedHashMap<>();
    private final Map<String, Long> startWakeUps = new LinkedHashMap<>();
    private final long startNanos;
    private final long[] startMachine;
    private final long startSelf;

    private StackCpu(Map<String, List<Long>> processes) throws IOException {
        this.processes = processes;
        processes.forEach((name, pids) -> {
            startTicks.put(name, ticks(pids));
            Threads threads = Threads.of(pids);
            startJit.put(name, threads.jitTicks());
            startWakeUps.put(name, threads.wakeUps());
        });
        this.startSelf = ticks(List.of(ProcessHandle.current().pid()));
        this.startMachine = machine();
        this.startNanos = System.nanoTime();
    }

    /**
     * @param processes name → pids of the processes to follow (from the stack's state directory)
     * @return a window starting now
     * @throws IOException if /proc cannot be read
     */
    static StackCpu start(Map<String, List<Long>> processes) throws IOException {
        return new StackCpu(processes);
    }

    /**
     * Ends the window.
     *
     * @param messages messages sent in the window
     * @return per process {@code {cores, us_per_message}}, their total, the load generator's and the
     *         machine's busy percentage
     * @throws IOException if /proc cannot be read
     */
    Map<String, Object> finish(long messages) throws IOException {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long[] machine = machine();
        Map<String, Object> perProcess = new LinkedHashMap<>();
        double totalTicks = 0;
        long totalJit = 0;
        long totalWakeUps = 0;
        for (var entry : processes.entrySet()) {
            long used = Math.max(0, ticks(entry.getValue()) - startTicks.get(entry.getKey()));
            Threads threads = Threads.of(entry.getValue());
            long jit = Math.max(0, threads.jitTicks() - startJit.get(entry.getKey()));
            long wakeUps = Math.max(0, threads.wakeUps() - startWakeUps.get(entry.getKey()));
            totalTicks += used;
            totalJit += jit;
            totalWakeUps += wakeUps;
            Map<String, Object> usage = usage(used, seconds, messages);
            // a JVM still compiling its hot paths (warming up) spends this share in its JIT compiler threads
            usage.put("jit_percent_of_it", jitPercent(jit, used));
            usage.put("wake_ups_per_message", perMessage(wakeUps, messages));
            perProcess.put(entry.getKey(), usage);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("window_seconds", Math.round(seconds * 10) / 10.0);
        report.put("machine_busy_percent", Math.round(1000.0 * (1 - (double) (machine[1] - startMachine[1])
                / Math.max(1, machine[0] - startMachine[0]))) / 10.0);
        report.put("processes", perProcess);
        Map<String, Object> total = usage(Math.round(totalTicks), seconds, messages);
        // how far from a steady state the run is: a warmed-up stack compiles almost nothing
        total.put("jit_percent_of_it", jitPercent(totalJit, Math.round(totalTicks)));
        total.put("wake_ups_per_message", perMessage(totalWakeUps, messages));
        report.put("total", total);
        Map<String, Object> loadGenerator = usage(ticks(List.of(ProcessHandle.current().pid())) - startSelf, seconds, messages);
        report.put("load_generator", loadGenerator);
        // the host's speed drifts (±25 % an hour apart here), the load generator's cost with it: runs
        // compare better by the stack's cost in units of the load generator's than in µs
        report.put("stack_per_load_generator", ratio(total.get("us_per_message"), loadGenerator.get("us_per_message")));
        return report;
    }

    private static Map<String, Object> usage(long ticks, double seconds, long messages) {
        double cpuSeconds = ticks / (double) ProcessSample.TICKS_PER_SECOND;
        Map<String, Object> usage = new LinkedHashMap<>();
        usage.put("core_percent", Math.round(1000 * cpuSeconds / seconds) / 10.0);
        usage.put("us_per_message", messages == 0 ? null : Math.round(cpuSeconds * 1e6 / messages));
        return usage;
    }

    /** @return stack ÷ load generator, two decimals, or null when either is unknown */
    static Double ratio(Object stack, Object loadGenerator) {
        return stack instanceof Number a && loadGenerator instanceof Number b && b.doubleValue() > 0
                ? Math.round(100 * a.doubleValue() / b.doubleValue()) / 100.0 : null;
    }

    private static double jitPercent(long jit, long used) {
        return used == 0 ? 0 : Math.round(1000.0 * jit / used) / 10.0;
    }

    private static Double perMessage(long count, long messages) {
        return messages == 0 ? null : Math.round(10.0 * count / messages) / 10.0;
    }

    /** @return user + system ticks of these processes and their live descendants (0 for gone ones) */
    private static long ticks(List<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            List<Long> tree = Stream.concat(Stream.of(pid), ProcessHandle.of(pid).stream()
                    .flatMap(ProcessHandle::descendants).map(ProcessHandle::pid)).toList();
            for (long member : tree) {
                try {
                    sum += ProcessSample.of(member).cpuTicks();
                } catch (IOException | RuntimeException e) {
                    // exited meanwhile
                }
            }
        }
        return sum;
    }

    /**
     * What the threads of some processes (and their live descendants) did so far.
     *
     * @param jitTicks user + system ticks of the JIT compiler threads (C1, C2)
     * @param wakeUps  voluntary context switches of all threads: how often one waited and was woken
     */
    private record Threads(long jitTicks, long wakeUps) {

        static Threads of(List<Long> pids) {
            long jit = 0;
            long wakeUps = 0;
            for (long pid : pids) {
                List<Long> tree = Stream.concat(Stream.of(pid), ProcessHandle.of(pid).stream()
                        .flatMap(ProcessHandle::descendants).map(ProcessHandle::pid)).toList();
                for (long member : tree) {
                    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(member), "task"))) {
                        for (Path task : tasks.toList()) {
                            try {
                                String stat = Files.readString(task.resolve("stat"));
                                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                                    jit += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                                }
                                wakeUps += voluntarySwitches(task);
                            } catch (IOException | RuntimeException e) {
                                // the thread ended meanwhile
                            }
                        }
                    } catch (IOException e) {
                        // the process ended meanwhile
                    }
                }
            }
            return new Threads(jit, wakeUps);
        }

        private static long voluntarySwitches(Path task) throws IOException {
            for (String line : Files.readAllLines(task.resolve("status"))) {
                if (line.startsWith("voluntary_ctxt_switches:")) {
                    return Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                }
            }
            return 0;
        }
    }

    /** @return {all ticks, idle + iowait ticks} of the whole machine */
    private static long[] machine() throws IOException {
        String[] cpu = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
        long total = 0;
        for (int i = 1; i < Math.min(cpu.length, 9); i++) { // user nice system idle iowait irq softirq steal
            total += Long.parseLong(cpu[i]);
        }
        return new long[] {total, Long.parseLong(cpu[4]) + Long.parseLong(cpu[5])};
    }
}
