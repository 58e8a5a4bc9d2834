package dev.chat.chatctl;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import dev.chat.common.runtime.BackendSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code chatctl replay}: the persister group's committed offsets, end offsets and lag per
 * partition, and moving them (to replay a stretch of the log into Cassandra, which is harmless:
 * the persister's writes are idempotent). Shows the plan and changes nothing without
 * {@code --execute}; refuses while the group has active members.
 */
@UsesBackends(UsesBackends.Backend.KAFKA)
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Show the persister group's offsets and lag, or move them to replay messages into Cassandra.",
            "Without --execute only the plan is shown. Replaying is harmless: the persister's writes are idempotent."},
        footerHeading = "%nExamples:%n",
        footer = {"  chatctl replay                                   offsets and lag per partition",
            "  chatctl replay --to-earliest                     plan: store it all again",
            "  chatctl replay --by-duration PT2H --execute      replay the last two hours",
            "  chatctl replay --to-datetime 2026-11-28T10:00:00Z --partition 0,3 --execute",
            "  chatctl replay --to-offset 1200 --partition 2 --execute"})
final class ReplayCommand implements Callable<Integer> {

    @Mixin
    private OperatorOptions operator;

    @Option(names = "--group", defaultValue = "chat-persister", description = "Consumer group (default: ${DEFAULT-VALUE}).")
    private String group;

    @Option(names = "--partition", split = ",", paramLabel = "N", description = "Only these partitions (default: all).")
    private List<Integer> partitions = new ArrayList<>();

    @Option(names = "--execute", description = "Move the offsets (the persister group must have no active members).")
    private boolean execute;

    @ArgGroup(exclusive = true)
    private Target target;

    /** Where to move the offsets; exactly one. */
    static final class Target {
        @Option(names = "--to-earliest", description = "To the start of the log.")
        boolean earliest;
        @Option(names = "--to-latest", description = "To the end of the log (skips everything not yet stored!).")
        boolean latest;
        @Option(names = "--to-datetime", paramLabel = "ISO_INSTANT", description = "To the first record at or after this time.")
        String datetime;
        @Option(names = "--by-duration", paramLabel = "DURATION", description = "To this long ago (ISO-8601, e.g. PT2H).")
        String duration;
        @Option(names = "--to-offset", paramLabel = "OFFSET", description = "To this offset (clamped to the log).")
        Long offset;
    }

    @Override
    public Integer call() throws Exception {
        if (execute && target == null) {
            throw operator.usage("--execute needs a target (--to-earliest, --to-latest,"
                    + " --to-datetime, --by-duration or --to-offset)");
        }
        Instant time = parseTime();
        BackendSettings backends = operator.backends();
        PrintWriter out = operator.out();
        try (Admin admin = admin(backends)) {
            List<TopicPartition> topicPartitions = topicPartitions(admin, backends);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, Long> earliest = offsets(admin, topicPartitions, OffsetSpec.earliest());
            Map<TopicPartition, Long> latest = offsets(admin, topicPartitions, OffsetSpec.latest());
            Map<TopicPartition, Long> byTime = time == null ? Map.of()
                    : offsets(admin, topicPartitions, OffsetSpec.forTimestamp(time.toEpochMilli()));

            List<Map<String, Object>> rows = new ArrayList<>();
            Map<TopicPartition, OffsetAndMetadata> moves = new HashMap<>();
            for (TopicPartition tp : topicPartitions) {
                OffsetAndMetadata current = committed.get(tp);
                Long currentOffset = current == null ? null : current.offset();
                long end = latest.get(tp);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("partition", tp.partition());
                row.put("committed", currentOffset);
                row.put("earliest", earliest.get(tp));
                row.put("end", end);
                row.put("lag", currentOffset == null ? end - earliest.get(tp) : end - currentOffset);
                if (target != null) {
                    long to = target(tp, earliest.get(tp), end, byTime);
                    row.put("target", to);
                    row.put("replays", Math.max(0, (currentOffset == null ? end : currentOffset) - to));
                    moves.put(tp, new OffsetAndMetadata(to));
                }
                rows.add(row);
            }
            if (execute) {
                ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group))
                        .describedGroups().get(group).get(10, TimeUnit.SECONDS);
                if (!description.members().isEmpty()) {
                    operator.err().printf("chatctl replay: the group %s has %d active member(s) (%s); offsets can only"
                                    + " be moved while no persister runs. Stop the persisters (stop chatctl up, or the persister"
                                    + " service), run this again, then start them: they resume from the new offsets.%n",
                            group, description.members().size(),
                            String.join(", ", description.members().stream().map(m -> m.clientId() + "@" + m.host()).toList()));
                    return ChatCtl.FAILED;
                }
                admin.alterConsumerGroupOffsets(group, moves).all().get(10, TimeUnit.SECONDS);
            }
            print(out, rows, backends);
            return ChatCtl.OK;
        }
    }

    private long target(TopicPartition tp, long earliest, long end, Map<TopicPartition, Long> byTime) {
        if (target.earliest) {
            return earliest;
        }
        if (target.latest) {
            return end;
        }
        if (target.offset != null) {
            return Math.max(earliest, Math.min(end, target.offset));
        }
        long at = byTime.get(tp);
        return at < 0 ? end : at; // no record that late: the end
    }

    private Instant parseTime() {
        if (target == null) {
            return null;
        }
        try {
            if (target.datetime != null) {
                return Instant.parse(target.datetime);
            }
            if (target.duration != null) {
                Duration back = Duration.parse(target.duration);
                if (back.isNegative()) {
                    throw operator.usage("--by-duration must be positive");
                }
                return Instant.now().minus(back);
            }
        } catch (DateTimeParseException e) {
            throw operator.usage("cannot read " + e.getParsedString()
                    + ": use an ISO-8601 instant (2026-11-28T10:00:00Z) or duration (PT2H)");
        }
        return null;
    }

    private List<TopicPartition> topicPartitions(Admin admin, BackendSettings backends) throws Exception {
        int count = admin.describeTopics(List.of(backends.messagesTopic())).allTopicNames().get(10, TimeUnit.SECONDS)
                .get(backends.messagesTopic()).partitions().size();
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            if (partitions.isEmpty() || partitions.contains(p)) {
                all.add(new TopicPartition(backends.messagesTopic(), p));
            }
        }
        for (int p : partitions) {
            if (p < 0 || p >= count) {
                throw operator.usage("--partition " + p + ": the topic has partitions 0.." + (count - 1));
            }
        }
        return all;
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> tps, OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        tps.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result = admin.listOffsets(request).all().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        result.forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    private void print(PrintWriter out, List<Map<String, Object>> rows, BackendSettings backends) {
        if (operator.json()) {
            operator.printJson(Map.of("group", group, "topic", backends.messagesTopic(), "executed", execute,
                    "partitions", rows));
            return;
        }
        out.printf("group %s on %s%n", group, backends.messagesTopic());
        boolean plan = target != null;
        out.printf("%9s %10s %10s %10s %8s%s%n", "partition", "committed", "earliest", "end", "lag",
                plan ? String.format(" %10s %8s", "target", "replays") : "");
        for (Map<String, Object> row : rows) {
            out.printf("%9s %10s %10s %10s %8s%s%n", row.get("partition"),
                    row.get("committed") == null ? "-" : row.get("committed"), row.get("earliest"), row.get("end"), row.get("lag"),
                    plan ? String.format(" %10s %8s", row.get("target"), row.get("replays")) : "");
        }
        if (plan) {
            out.println(execute ? "Offsets moved. Start the persisters: they resume from the targets."
                    : "Plan only: nothing changed. Add --execute to move the offsets.");
        }
        out.flush();
    }

    private static Admin admin(BackendSettings backends) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, backends.kafkaBootstrap());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        Admin admin = Admin.create(props);
        try {
            admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            admin.close(Duration.ofSeconds(1));
            throw new ChatCtl.Unreachable("cannot reach Kafka at " + backends.kafkaBootstrap()
                    + " (kafka.bootstrap / KAFKA_BOOTSTRAP / --kafka)");
        }
        return admin;
    }
}
