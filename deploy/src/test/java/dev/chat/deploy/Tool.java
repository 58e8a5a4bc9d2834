package dev.chat.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An operator's command line tool (kubectl, promtool) run from the repository root. A tool that is
 * not installed fails the test with what to install: CI installs them (.ci/run), so a check is
 * never skipped in silence.
 */
final class Tool {

    /** The repository root (deploy/ is one level below it). */
    static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    private Tool() {
    }

    /**
     * @param output what it printed (stdout and stderr)
     * @param exit   its exit code
     */
    record Run(String output, int exit) {
    }

    /**
     * @param debianPackage where the tool comes from, for the failure message
     * @param command       the tool and its arguments
     * @return what it printed and its exit code
     */
    static Run run(String debianPackage, String... command) throws IOException, InterruptedException {
        if (!onPath(command[0])) {
            throw new AssertionError(command[0] + " is not installed: apt-get install " + debianPackage
                    + " (.ci/run does this)");
        }
        Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(ROOT.toFile())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
        }
        return new Run(output, process.exitValue());
    }

    private static boolean onPath(String tool) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }
}
