package dev.chat.chatctl;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code chatctl dlq list|show|replay}: the records the persister could not store. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Look into the dead-letter topic (records the persister could not store) and replay them after a fix.",
        subcommands = {DlqCommand.ListParked.class, DlqCommand.Show.class, DlqCommand.Replay.class})
final class DlqCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: try 'chatctl dlq list|show|replay'");
    }

    static Map<String, Object> json(DeadLetterTopic.Parked record, boolean withValue) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", record.id());
        json.put("parked_at", record.parkedAt().toString());
        json.put("key", record.key());
        json.put("reason", record.reason());
        json.put("source", record.source());
        json.put("value", withValue || record.value() == null || record.value().length() <= 120 ? record.value()
                : record.value().substring(0, 120) + "…");
        return json;
    }

    /** @return partition and offset of {@code P@O} */
    static long[] position(OperatorOptions operator, String id) {
        String[] parts = id.split("@", 2);
        try {
            return new long[] {Integer.parseInt(parts[0]), Long.parseLong(parts[1])};
        } catch (RuntimeException e) {
            throw operator.usage("a record is PARTITION@OFFSET (as dlq list prints), not " + id);
        }
    }

    /** {@code dlq list}. */
    @UsesBackends(UsesBackends.Backend.KAFKA)
    @Command(name = "list", mixinStandardHelpOptions = true, description = "The newest parked records with their reason.",
            footerHeading = "%nExamples:%n", footer = {"  chatctl dlq list", "  chatctl dlq list --limit 500 --json"})
    static final class ListParked implements Callable<Integer> {

        @Mixin
        private OperatorOptions operator;

        @Option(names = "--limit", defaultValue = "50", paramLabel = "N", description = "Most records (default: ${DEFAULT-VALUE}).")
        private int limit;

        @Override
        public Integer call() {
            if (limit < 1 || limit > 10_000) {
                throw operator.usage("--limit must be 1 to 10000");
            }
            try (DeadLetterTopic topic = new DeadLetterTopic(operator.backends())) {
                List<DeadLetterTopic.Parked> parked = topic.newest(limit);
                long held = topic.held();
                PrintWriter out = operator.out();
                if (operator.json()) {
                    operator.printJson(Map.of("records", parked.stream().map(r -> json(r, false)).toList(), "held", held));
                } else if (parked.isEmpty()) {
                    out.println("the dead-letter topic is empty");
                } else {
                    for (DeadLetterTopic.Parked record : parked) {
                        out.printf("%-10s %s  from %s%n           %s%n", record.id(), record.parkedAt(), record.source(), record.reason());
                    }
                    if (held > parked.size()) {
                        out.printf("(the newest %d of %d parked records; --limit N shows up to N)%n", parked.size(), held);
                    }
                }
                return ChatCtl.OK;
            }
        }
    }

    /** {@code dlq show P@O}. */
    @UsesBackends(UsesBackends.Backend.KAFKA)
    @Command(name = "show", mixinStandardHelpOptions = true, description = "One parked record, whole.",
            footerHeading = "%nExamples:%n", footer = {"  chatctl dlq show 0@17"})
    static final class Show implements Callable<Integer> {

        @Mixin
        private OperatorOptions operator;

        @Parameters(paramLabel = "PARTITION@OFFSET", description = "The record, as dlq list prints it.")
        private String id;

        @Override
        public Integer call() {
            long[] position = position(operator, id);
            try (DeadLetterTopic topic = new DeadLetterTopic(operator.backends())) {
                var record = topic.at((int) position[0], position[1]);
                if (record.isEmpty()) {
                    operator.err().println("chatctl dlq show: no record " + id + " in the dead-letter topic");
                    return ChatCtl.FAILED;
                }
                PrintWriter out = operator.out();
                if (operator.json()) {
                    operator.printJson(json(record.get(), true));
                } else {
                    json(record.get(), true).forEach((key, value) -> out.printf("%-10s %s%n", key, value));
                }
                return ChatCtl.OK;
            }
        }
    }

    /** {@code dlq replay P@O... --execute}. */
    @UsesBackends(UsesBackends.Backend.KAFKA)
    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = {"Write parked records back to the messages topic (after fixing what refused them).",
                "Without --execute only the plan is shown. The persister stores them idempotently, or parks them again."},
            footerHeading = "%nExamples:%n", footer = {"  chatctl dlq replay 0@17 2@3", "  chatctl dlq replay 0@17 --execute"})
    static final class Replay implements Callable<Integer> {

        @Mixin
        private OperatorOptions operator;

        @Parameters(paramLabel = "PARTITION@OFFSET", arity = "1..*", description = "The records, as dlq list prints them.")
        private List<String> ids;

        @Option(names = "--execute", description = "Write them (else only show the plan).")
        private boolean execute;

        @Override
        public Integer call() throws Exception {
            List<long[]> positions = ids.stream().map(id -> position(operator, id)).toList();
            try (DeadLetterTopic topic = new DeadLetterTopic(operator.backends())) {
                List<DeadLetterTopic.Parked> records = new ArrayList<>();
                for (int i = 0; i < positions.size(); i++) {
                    var record = topic.at((int) positions.get(i)[0], positions.get(i)[1]);
                    if (record.isEmpty()) {
                        operator.err().println("chatctl dlq replay: no record " + ids.get(i) + " in the dead-letter topic");
                        return ChatCtl.FAILED;
                    }
                    records.add(record.get());
                }
                List<String> written = execute ? topic.replay(records) : List.of();
                PrintWriter out = operator.out();
                if (operator.json()) {
                    operator.printJson(Map.of("executed", execute, "records", records.stream().map(r -> r.id()).toList(),
                            "written", written));
                } else {
                    for (int i = 0; i < records.size(); i++) {
                        out.printf("%s %s -> %s%n", execute ? "replayed" : "would replay", records.get(i).id(),
                                execute ? operator.backends().messagesTopic() + " " + written.get(i) : operator.backends().messagesTopic());
                    }
                    if (!execute) {
                        out.println("(a plan: add --execute to write them)");
                    }
                }
                return ChatCtl.OK;
            }
        }
    }
}
