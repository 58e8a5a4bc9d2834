package dev.chat.localstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A process started with slack has it (and the thread that asked keeps its own). */
@EnabledOnOs(OS.LINUX)
class TimerSlackTest {

    @Test
    void childStartedWithSlackHasItAndTheCallerKeepsItsOwn() throws Exception {
        String before = ownSlack();

        Process child = TimerSlack.spawnWith(Duration.ofMillis(3),
                () -> new ProcessBuilder("cat", "/proc/self/timerslack_ns").redirectErrorStream(true).start());
        String childSlack = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        child.waitFor();

        assertThat(childSlack).isEqualTo("3000000");
        assertThat(ownSlack()).isEqualTo(before);
    }

    /** The calling thread's slack: /proc/thread-self is {@code <pid>/task/<tid>}. */
    private static String ownSlack() throws IOException {
        String tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
        return Files.readString(Path.of("/proc", tid, "timerslack_ns")).trim();
    }

    @Test
    void whatTheSpawnThrowsReachesTheCaller() {
        assertThatThrownBy(() -> TimerSlack.spawnWith(Duration.ofMillis(1), () -> {
            throw new IOException("no such program");
        })).isInstanceOf(IOException.class).hasMessage("no such program");
    }
}
