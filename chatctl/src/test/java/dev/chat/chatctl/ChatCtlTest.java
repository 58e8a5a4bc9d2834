package dev.chat.chatctl;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChatCtlTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return ChatCtl.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void helpListsCommandsAndExitCodes() {
        assertThat(run("--help")).isEqualTo(ChatCtl.OK);
        assertThat(out.toString()).contains("up").contains("Exit codes:").contains("3   a service could not be reached");
    }

    @Test
    void everyCommandsSummaryIsASentenceAndItsExamplesFitTheScreen() {
        picocli.CommandLine root = ChatCtl.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        java.util.List<picocli.CommandLine> commands = new java.util.ArrayList<>();
        collect(root, commands);
        java.util.List<String> problems = new java.util.ArrayList<>();
        for (picocli.CommandLine command : commands) {
            String name = command.getCommandSpec().qualifiedName();
            String[] description = command.getCommandSpec().usageMessage().description();
            // 'chatctl --help' lists only the first line: it must be there and not stop mid-sentence
            if (description.length == 0 || !description[0].endsWith(".")) {
                problems.add(name + ": summary " + java.util.Arrays.toString(description));
            }
            for (String line : command.getCommandSpec().usageMessage().footer()) {
                // wider lines wrap, and a wrapped command cannot be pasted
                if (line.replace("%n", "").length() > 80) {
                    problems.add(name + ": example wider than 80: " + line);
                }
            }
        }
        assertThat(commands).hasSizeGreaterThan(15);
        assertThat(problems).isEmpty();
    }

    private static void collect(picocli.CommandLine command, java.util.List<picocli.CommandLine> into) {
        into.add(command);
        command.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, into));
    }

    @Test
    void eachCommandOffersOnlyTheBackendOptionsItUses() {
        assertThat(run("presence", "--help")).isEqualTo(ChatCtl.OK);
        assertThat(out.toString()).contains("--redis").contains("--redis-cluster").doesNotContain("--kafka")
                .doesNotContain("--cassandra").doesNotContain("--postgres");
        out.getBuffer().setLength(0);
        assertThat(run("users", "list", "--help")).isEqualTo(ChatCtl.OK);
        assertThat(out.toString()).contains("--postgres").doesNotContain("--redis").doesNotContain("--kafka");
        assertThat(run("token", "42", "--kafka", "127.0.0.1:1")).as("an option the command does not use").isEqualTo(ChatCtl.USAGE);
        assertThat(err.toString()).contains("Unknown option").contains("--kafka");
    }

    @Test
    void noCommandIsUsageError() {
        assertThat(run()).isEqualTo(ChatCtl.USAGE);
        assertThat(err.toString()).contains("Missing command");
    }

    @Test
    void unknownCommandIsUsageError() {
        assertThat(run("launch")).isEqualTo(ChatCtl.USAGE);
        assertThat(err.toString()).contains("Unmatched argument").contains("launch");
    }

    @Test
    void upRefusesZeroGateways() {
        assertThat(run("up", "--gateways", "0")).isEqualTo(ChatCtl.USAGE);
        assertThat(err.toString()).contains("--gateways must be between 1 and 16, was 0");
    }

    @Test
    void upRefusesAtOnceWhenAnotherProcessHoldsAServicePortAndNamesIt() throws Exception {
        try (java.net.ServerSocket held = new java.net.ServerSocket(0)) {
            long begin = System.nanoTime();
            assertThat(run("up", "--gateway-port", Integer.toString(held.getLocalPort()))).isEqualTo(ChatCtl.FAILED);
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - begin)).isLessThan(java.time.Duration.ofSeconds(10));
            assertThat(err.toString()).contains(held.getLocalPort() + " (gateway-1): held by pid " + ProcessHandle.current().pid())
                    .contains("--gateway-port");
            assertThat(out.toString()).as("nothing was started").doesNotContain("starting");
        }
    }

    @Test
    void upRefusesAnApiPortThatCollidesWithASecondPersister() {
        assertThat(run("up", "--persisters", "2", "--api-port", "8190")).isEqualTo(ChatCtl.USAGE);
        assertThat(err.toString()).contains("ports overlap");
        assertThat(run("up", "--apis", "5")).isEqualTo(ChatCtl.USAGE);
    }

    @Test
    void capacityPlansMoreMachinesForMoreLoadAndRefusesNonsense() throws Exception {
        assertThat(run("capacity", "--connections", "1000000", "--messages-per-second", "5000", "--members", "10",
                "--json")).isEqualTo(ChatCtl.OK);
        var small = dev.chat.common.wire.Json.tree(out.toString());
        out.getBuffer().setLength(0);
        assertThat(run("capacity", "--connections", "25000000", "--messages-per-second", "100000", "--members", "10",
                "--json")).isEqualTo(ChatCtl.OK);
        var large = dev.chat.common.wire.Json.tree(out.toString());
        assertThat(large.path("gateways").asLong()).isGreaterThan(small.path("gateways").asLong());
        assertThat(large.path("persisters").asLong()).isGreaterThan(small.path("persisters").asLong());
        assertThat(large.path("cassandra_nodes").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(large.path("deliveries_per_second").asLong()).isEqualTo(1_000_000);
        assertThat(run("capacity", "--connections", "-1", "--messages-per-second", "1", "--members", "1"))
                .isEqualTo(ChatCtl.USAGE);
        assertThat(run("capacity", "--connections", "10")).isEqualTo(ChatCtl.USAGE);
    }

    @Test
    void upRefusesOverlappingPorts() {
        assertThat(run("up", "--api-port", "8082", "--gateways", "2")).isEqualTo(ChatCtl.USAGE);
        assertThat(err.toString()).contains("ports overlap");
    }

    @Test
    void everyCommandHasHelpWithExamplesAndJson() {
        for (String command : new String[] {"up", "presence", "replay", "partitions", "token", "bench"}) {
            StringWriter help = new StringWriter();
            int code = ChatCtl.commandLine(new PrintWriter(help, true), new PrintWriter(err, true)).execute(command, "--help");
            assertThat(code).isZero();
            assertThat(help.toString()).as(command).contains("Examples:").contains("--json");
        }
    }

    @Test
    void completionScriptIsGenerated() {
        assertThat(run("generate-completion")).isEqualTo(ChatCtl.OK);
        assertThat(out.toString()).contains("complete").contains("chatctl");
    }

    @Test
    void upHelpShowsExamples() {
        assertThat(run("up", "--help")).isEqualTo(ChatCtl.OK);
        assertThat(out.toString()).contains("--gateways").contains("--json").contains("Examples:");
    }
}
