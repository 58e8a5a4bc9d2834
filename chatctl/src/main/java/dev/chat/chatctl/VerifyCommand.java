package dev.chat.chatctl;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chat.common.runtime.CassandraConnection;
import dev.chat.common.store.MessageBuckets;
import dev.chat.common.store.MessageTables;
import dev.chat.common.store.TimeUuids;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code chatctl verify}: after a load or a fault, compares what the clients were acked and
 * received (a run record from {@code chatctl bench --record}) with what Cassandra holds.
 * Exit 0 when everything holds, 1 with every difference listed.
 */
@UsesBackends(UsesBackends.Backend.CASSANDRA)
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check a run against history: every acked message is stored exactly once.",
            "Also: nothing was delivered that history lacks (phantoms), history is in seq order without gaps",
            "within an epoch, every receiver got a channel's messages in history order. Exit 1 on any difference."},
        footerHeading = "%nExamples:%n",
        footer = {"  chatctl bench --channels 10 --rate 200 --record run.jsonl",
            "  chatctl verify --record run.jsonl",
            "  chatctl verify --record run.jsonl --settle PT30S --json"})
final class VerifyCommand implements Callable<Integer> {

    /** How many findings the table shows (all of them are in --json). */
    static final int SHOWN = 20;

    @Mixin
    private OperatorOptions operator;

    @Option(names = "--record", required = true, paramLabel = "FILE", description = "The run record (chatctl bench --record).")
    private Path record;

    @Option(names = "--settle", defaultValue = "PT20S", paramLabel = "DURATION",
            description = "Wait up to this long for acked messages still on their way to Cassandra (default: ${DEFAULT-VALUE}).")
    private Duration settle;

    @Override
    public Integer call() throws Exception {
        if (!Files.isReadable(record)) {
            throw operator.usage("cannot read --record " + record);
        }
        List<RunRecord.Event> events;
        try {
            events = RunRecord.read(record);
        } catch (IllegalArgumentException e) {
            throw operator.usage(e.getMessage());
        }
        try (CassandraConnection cassandra = operator.cassandra()) {
            Verification.Report report = settle(cassandra.session(), events);
            print(report);
            return report.clean() ? ChatCtl.OK : ChatCtl.FAILED;
        }
    }

    /** Verifies, again and again while acked messages are missing, until they arrive or --settle passes. */
    private Verification.Report settle(CqlSession session, List<RunRecord.Event> events) throws InterruptedException {
        long deadline = System.nanoTime() + settle.toNanos();
        while (true) {
            Verification.Report report = Verification.verify(events, stored(session, events), changes(session, events));
            boolean waiting = report.findings().stream().anyMatch(f -> f.kind().equals("acked_missing"));
            if (!waiting || System.nanoTime() > deadline) {
                return report;
            }
            Thread.sleep(500);
        }
    }

    /** @return the rows of every channel of the record, in the buckets its messages can be in */
    static Map<UUID, List<Verification.Stored>> stored(CqlSession session, List<RunRecord.Event> events) {
        Map<UUID, Instant[]> spans = new LinkedHashMap<>();
        for (RunRecord.Event event : events) {
            Instant[] span = spans.computeIfAbsent(event.channelId(), k -> new Instant[2]);
            UUID messageId = switch (event) {
                case RunRecord.Acked a -> a.messageId();
                case RunRecord.Received r -> r.messageId();
                case RunRecord.Sent s -> null;
            };
            if (messageId != null) {
                Instant at = TimeUuids.instant(messageId);
                span[0] = span[0] == null || at.isBefore(span[0]) ? at : span[0];
                span[1] = span[1] == null || at.isAfter(span[1]) ? at : span[1];
            }
        }
        PreparedStatement select = session.prepare(MessageTables.SELECT_ORDER);
        Map<UUID, List<Verification.Stored>> stored = new HashMap<>();
        Instant now = Instant.now();
        spans.forEach((channel, span) -> {
            // a channel whose sends were all refused has no id to date it: look back one bucket from now
            Instant from = (span[0] == null ? now.minus(MessageBuckets.SPAN) : span[0]).minus(Duration.ofMinutes(5));
            Instant to = (span[1] == null ? now : span[1]).plus(Duration.ofMinutes(5));
            List<Verification.Stored> rows = new ArrayList<>();
            for (int bucket = MessageBuckets.of(from); bucket <= MessageBuckets.of(to); bucket++) {
                for (Row row : session.execute(select.bind(channel, bucket))) {
                    rows.add(new Verification.Stored(row.getUuid("message_id"), row.getLong("sender_id"),
                            row.getString("client_id"), row.isNull("seq") ? 0 : row.getLong("seq"), row.getString("epoch")));
                }
            }
            stored.put(channel, rows);
        });
        return stored;
    }

    /** @return the seqs edits and deletions took in the record's channels, per epoch (message_events) */
    static Map<UUID, Map<String, List<Long>>> changes(CqlSession session, List<RunRecord.Event> events) {
        PreparedStatement select = session.prepare(MessageTables.SELECT_EVENT_SEQS);
        Map<UUID, Map<String, List<Long>>> changes = new HashMap<>();
        Instant now = Instant.now();
        for (UUID channel : events.stream().map(RunRecord.Event::channelId).distinct().toList()) {
            Instant first = events.stream().filter(e -> e.channelId().equals(channel) && e instanceof RunRecord.Acked)
                    .map(e -> TimeUuids.instant(((RunRecord.Acked) e).messageId())).min(Instant::compareTo).orElse(now);
            for (int bucket = MessageBuckets.of(first.minus(Duration.ofMinutes(5))); bucket <= MessageBuckets.of(now); bucket++) {
                for (Row row : session.execute(select.bind(channel, bucket))) {
                    changes.computeIfAbsent(channel, k -> new HashMap<>())
                            .computeIfAbsent(row.getString("epoch"), k -> new ArrayList<>()).add(row.getLong("seq"));
                }
            }
        }
        return changes;
    }

    private void print(Verification.Report report) {
        PrintWriter out = operator.out();
        if (operator.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("clean", report.clean());
            json.put("channels", report.channels());
            json.put("sent", report.sent());
            json.put("acked", report.acked());
            json.put("gave_up", report.gaveUp());
            json.put("stored", report.stored());
            json.put("deliveries", report.deliveries());
            json.put("counts", report.countsByKind());
            json.put("findings", report.findings());
            operator.printJson(json);
            return;
        }
        out.printf("%-16s %d%n", "channels", report.channels());
        out.printf("%-16s %d (distinct client_ids)%n", "sent", report.sent());
        out.printf("%-16s %d%n", "acked", report.acked());
        out.printf("%-16s %d (sent, never acked)%n", "gave up", report.gaveUp());
        out.printf("%-16s %d%n", "stored", report.stored());
        out.printf("%-16s %d%n", "deliveries", report.deliveries());
        report.countsByKind().forEach((kind, count) -> out.printf("%-16s %d%n", kind, count));
        report.findings().stream().limit(SHOWN).forEach(f -> out.printf("  %-15s %s  %s%n", f.kind(), f.channelId(), f.detail()));
        if (report.findings().size() > SHOWN) {
            out.printf("  … %d more (--json lists all)%n", report.findings().size() - SHOWN);
        }
        out.println(report.clean() ? "OK: every acked message is stored once, in seq order; nothing phantom"
                : "FAILED: " + report.findings().size() + " difference(s)");
        out.flush();
    }
}
