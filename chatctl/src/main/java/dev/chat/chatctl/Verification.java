package dev.chat.chatctl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.chat.common.store.TimeUuids;

/**
 * Compares what the clients of a run saw ({@link RunRecord}) with what history holds, channel by
 * channel: every acked message stored exactly once, nothing delivered that history lacks, history
 * in seq order without gaps within an epoch, and every receiver given a channel's messages in
 * history order. Pure logic: the stored rows are read by the caller.
 */
final class Verification {

    /** A row of {@code messages_by_channel}. */
    record Stored(UUID messageId, long senderId, String clientId, long seq, String epoch) {
    }

    /**
     * One difference.
     *
     * @param kind      acked_missing, duplicate, phantom, order, seq_gap or delivery_order
     * @param channelId the channel
     * @param detail    what exactly, with ids
     */
    record Finding(String kind, UUID channelId, String detail) {
    }

    /** The counts and the differences. */
    record Report(int channels, int sent, int acked, int gaveUp, int stored, long deliveries, List<Finding> findings) {

        boolean clean() {
            return findings.isEmpty();
        }

        Map<String, Long> countsByKind() {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (String kind : List.of("acked_missing", "duplicate", "phantom", "order", "seq_gap", "delivery_order")) {
                counts.put(kind, findings.stream().filter(f -> f.kind().equals(kind)).count());
            }
            return counts;
        }
    }

    private Verification() {
    }

    /**
     * @param events what the clients saw
     * @param stored the rows history holds, per channel of the record
     * @return the report
     */
    static Report verify(List<RunRecord.Event> events, Map<UUID, List<Stored>> stored) {
        return verify(events, stored, Map.of());
    }

    /**
     * @param events  what the clients saw
     * @param stored  the rows history holds, per channel of the record
     * @param changes the seqs edits and deletions took, per channel and epoch (they are no rows, but
     *                no gaps either)
     * @return the report
     */
    static Report verify(List<RunRecord.Event> events, Map<UUID, List<Stored>> stored, Map<UUID, Map<String, List<Long>>> changes) {
        List<Finding> findings = new ArrayList<>();
        Set<String> sent = new HashSet<>();
        Map<String, RunRecord.Acked> acked = new HashMap<>();
        long deliveries = 0;
        for (RunRecord.Event event : events) {
            switch (event) {
                case RunRecord.Sent s -> sent.add(key(s.channelId(), s.senderId(), s.clientId()));
                case RunRecord.Acked a -> acked.putIfAbsent(key(a.channelId(), a.senderId(), a.clientId()), a);
                case RunRecord.Received r -> deliveries++;
            }
        }
        int storedRows = 0;
        for (var entry : stored.entrySet()) {
            storedRows += entry.getValue().size();
            checkChannel(entry.getKey(), entry.getValue(), changes.getOrDefault(entry.getKey(), Map.of()), events, findings);
        }
        Map<String, List<UUID>> storedBySend = new HashMap<>();
        stored.forEach((channel, rows) -> rows.forEach(row -> storedBySend
                .computeIfAbsent(key(channel, row.senderId(), row.clientId()), k -> new ArrayList<>()).add(row.messageId())));
        for (var entry : acked.entrySet()) {
            RunRecord.Acked ack = entry.getValue();
            List<UUID> rows = storedBySend.getOrDefault(entry.getKey(), List.of());
            if (rows.isEmpty()) {
                findings.add(new Finding("acked_missing", ack.channelId(), "sender " + ack.senderId() + " client_id "
                        + ack.clientId() + " acked as " + ack.messageId() + " (seq " + ack.seq() + ") is not stored"));
            } else if (!rows.contains(ack.messageId())) {
                findings.add(new Finding("duplicate", ack.channelId(), "sender " + ack.senderId() + " client_id "
                        + ack.clientId() + " acked as " + ack.messageId() + " but stored as " + rows));
            }
            // several rows for one send are reported per channel below
        }
        int gaveUp = (int) sent.stream().filter(send -> !acked.containsKey(send)).count();
        return new Report(stored.size(), sent.size(), acked.size(), gaveUp, storedRows, deliveries, List.copyOf(findings));
    }

    private static void checkChannel(UUID channel, List<Stored> rows, Map<String, List<Long>> changes, List<RunRecord.Event> events,
                                     List<Finding> findings) {
        // stored once per (sender, client_id)
        Map<String, List<Stored>> bySend = new HashMap<>();
        rows.forEach(row -> bySend.computeIfAbsent(row.senderId() + ":" + row.clientId(), k -> new ArrayList<>()).add(row));
        bySend.forEach((send, copies) -> {
            if (copies.size() > 1) {
                findings.add(new Finding("duplicate", channel, "sender:client_id " + send + " stored " + copies.size()
                        + " times: " + copies.stream().map(Stored::messageId).toList()));
            }
        });
        // history order (message_id time) is seq order within an epoch, without gaps
        List<Stored> history = new ArrayList<>(rows);
        history.sort(Comparator.comparing(Stored::messageId, TimeUuids::compare));
        Map<String, Stored> lastOfEpoch = new HashMap<>();
        for (Stored row : history) {
            Stored previous = lastOfEpoch.put(row.epoch(), row);
            if (previous != null && row.seq() <= previous.seq()) {
                findings.add(new Finding("order", channel, "epoch " + row.epoch() + ": seq " + row.seq() + " (" + row.messageId()
                        + ") is stored after seq " + previous.seq() + " (" + previous.messageId() + ")"));
            }
        }
        Map<String, List<Long>> seqsOfEpoch = new HashMap<>();
        rows.forEach(row -> seqsOfEpoch.computeIfAbsent(row.epoch(), k -> new ArrayList<>()).add(row.seq()));
        changes.forEach((epoch, seqs) -> {
            if (seqsOfEpoch.containsKey(epoch)) {
                seqsOfEpoch.get(epoch).addAll(seqs);
            }
        });
        seqsOfEpoch.forEach((epoch, seqs) -> {
            seqs.sort(null);
            for (int i = 1; i < seqs.size(); i++) {
                if (seqs.get(i) > seqs.get(i - 1) + 1) {
                    findings.add(new Finding("seq_gap", channel, "epoch " + epoch + ": nothing stored between seq "
                            + seqs.get(i - 1) + " and " + seqs.get(i)));
                }
            }
        });
        // nothing delivered that history lacks; each receiver in history order
        Map<UUID, Integer> position = new HashMap<>();
        for (int i = 0; i < history.size(); i++) {
            position.put(history.get(i).messageId(), i);
        }
        Set<UUID> reportedPhantoms = new HashSet<>();
        Map<Long, Integer> lastPositionOf = new HashMap<>();
        Map<Long, Set<UUID>> seenBy = new HashMap<>();
        for (RunRecord.Event event : events) {
            if (!(event instanceof RunRecord.Received r) || !r.channelId().equals(channel)) {
                continue;
            }
            Integer at = position.get(r.messageId());
            if (at == null) {
                if (reportedPhantoms.add(r.messageId())) {
                    findings.add(new Finding("phantom", channel, "sender " + r.senderId() + " client_id " + r.clientId()
                            + " delivered as " + r.messageId() + " (seq " + r.seq() + ") is not stored"));
                }
                continue;
            }
            if (!seenBy.computeIfAbsent(r.userId(), k -> new HashSet<>()).add(r.messageId())) {
                continue; // a repeat (e.g. after a resume): clients drop it by seq
            }
            Integer last = lastPositionOf.put(r.userId(), at);
            if (last != null && at < last) {
                findings.add(new Finding("delivery_order", channel, "user " + r.userId() + " received " + r.messageId()
                        + " after " + history.get(last).messageId() + ", which history has later"));
            }
        }
    }

    private static String key(UUID channel, long sender, String clientId) {
        return channel + ":" + sender + ":" + clientId;
    }
}
