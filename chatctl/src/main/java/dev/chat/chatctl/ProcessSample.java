package dev.chat.chatctl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux says about a process on this machine: resident memory ({@code VmRSS} in
 * {@code /proc/<pid>/status}) and CPU time used ({@code utime + stime} in {@code /proc/<pid>/stat},
 * in clock ticks of 1/100 s). For {@code chatctl bench --connections --gateway-pid}.
 *
 * @param rssBytes resident set size
 * @param cpuTicks user + system CPU time, in 1/100 s
 * @param nanos    when it was taken (System.nanoTime)
 */
record ProcessSample(long rssBytes, long cpuTicks, long nanos) {

    /** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux for x86 and arm). */
    static final int TICKS_PER_SECOND = 100;

    /**
     * @param pid a process on this machine
     * @return its memory and CPU time now
     * @throws IOException if /proc has no such process
     */
    static ProcessSample of(long pid) throws IOException {
        long rss = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(line -> line.startsWith("VmRSS:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", "")) * 1024).findFirst()
                .orElseThrow(() -> new IOException("no VmRSS for pid " + pid));
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // the command name (field 2) may hold spaces: count fields after its closing parenthesis
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
        return new ProcessSample(rss, ticks, System.nanoTime());
    }

    /**
     * @param earlier a sample of the same process taken before
     * @return the CPU it used in between, in cores (1.0 = one core busy all the time)
     */
    double coresSince(ProcessSample earlier) {
        double seconds = (nanos - earlier.nanos) / 1e9;
        return (cpuTicks - earlier.cpuTicks) / (double) TICKS_PER_SECOND / seconds;
    }
}
