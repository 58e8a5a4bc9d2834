package dev.chat.chatctl;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.chat.common.auth.Tokens;
import dev.chat.localstack.StackEndpoints;

/**
 * A steady chat load for fault tests: {@code channels} groups of three members, two of them
 * sending (on different gateways) at a fixed total rate, every client a {@link FaultClient} that
 * reconnects, resumes and retries. {@link #finish} stops sending, waits for every message to be
 * acked (or given up) and checks the run against Cassandra with {@link Verification}.
 */
final class FaultLoad implements AutoCloseable {

    /** A message not acked this long is sent again. */
    static final Duration LATE = Duration.ofSeconds(3);
    /** A message not acked this long is given up (its sender stops retrying). */
    static final Duration GIVE_UP = Duration.ofSeconds(120);

    private final List<UUID> channels = new ArrayList<>();
    private final List<List<FaultClient>> members = new ArrayList<>();
    private final RunRecord record = new RunRecord();
    private final AtomicLong sequence = new AtomicLong();
    private final int ratePerSecond;
    private volatile boolean sending = true;
    private final Thread sender;

    private FaultLoad(int ratePerSecond) {
        this.ratePerSecond = ratePerSecond;
        this.sender = Thread.ofVirtual().unstarted(this::sendLoop);
    }

    /**
     * Creates users and channels in PostgreSQL, connects every member and starts sending.
     */
    static FaultLoad start(StackEndpoints endpoints, Tokens tokens, List<URI> gateways, int channelCount, int ratePerSecond)
            throws Exception {
        FaultLoad load = new FaultLoad(ratePerSecond);
        String run = UUID.randomUUID().toString().substring(0, 8);
        try (Connection db = DriverManager.getConnection(endpoints.postgresUrl(), endpoints.postgresUser(), "")) {
            for (int c = 0; c < channelCount; c++) {
                List<Long> users = new ArrayList<>();
                for (int m = 0; m < 3; m++) {
                    try (PreparedStatement insert = db.prepareStatement("INSERT INTO users (name) VALUES (?) RETURNING id")) {
                        insert.setString(1, "fault-" + run + "-" + c + "-" + m);
                        try (ResultSet rows = insert.executeQuery()) {
                            rows.next();
                            users.add(rows.getLong(1));
                        }
                    }
                }
                UUID channel = UUID.randomUUID();
                try (PreparedStatement insert = db.prepareStatement(
                        "INSERT INTO channels (id, name, type, created_by, owner_id) VALUES (?, ?, 'group', ?, ?)")) {
                    insert.setObject(1, channel);
                    insert.setString(2, "fault-" + run + "-" + c);
                    insert.setLong(3, users.getFirst());
                    insert.setLong(4, users.getFirst());
                    insert.executeUpdate();
                }
                for (long user : users) {
                    try (PreparedStatement insert = db.prepareStatement(
                            "INSERT INTO channel_members (channel_id, user_id) VALUES (?, ?)")) {
                        insert.setObject(1, channel);
                        insert.setLong(2, user);
                        insert.executeUpdate();
                    }
                }
                List<FaultClient> clients = new ArrayList<>();
                for (int m = 0; m < users.size(); m++) {
                    clients.add(new FaultClient(users.get(m), tokens.issue(users.get(m), Duration.ofHours(1)), gateways,
                            c + m, load.record));
                }
                load.channels.add(channel);
                load.members.add(clients);
            }
        }
        for (List<FaultClient> clients : load.members) {
            for (FaultClient client : clients) {
                client.awaitConnected(Duration.ofSeconds(30));
            }
        }
        load.sender.start();
        return load;
    }

    /** Members 0 and 1 of each channel send in turn, spread evenly; late messages are sent again. */
    private void sendLoop() {
        long period = 1_000_000_000L / ratePerSecond;
        long nextRetry = System.nanoTime();
        long due = System.nanoTime();
        int turn = 0;
        while (sending) {
            int channel = turn % channels.size();
            FaultClient client = members.get(channel).get((turn / channels.size()) % 2);
            client.send(channels.get(channel), "f" + client.userId() + "-" + sequence.incrementAndGet());
            turn++;
            if (System.nanoTime() >= nextRetry) {
                allClients().forEach(c -> c.retryUnacked(LATE, GIVE_UP));
                nextRetry = System.nanoTime() + 500_000_000L;
            }
            due += period;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(wait));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * Stops sending, retries until every message is acked or given up (at most {@code wait}),
     * then verifies the run against what Cassandra holds.
     *
     * @return the verification and the counts of the run
     */
    Result finish(CqlSession cassandra, Duration wait) throws Exception {
        sending = false;
        sender.join();
        long deadline = System.nanoTime() + wait.toNanos();
        while (allClients().stream().mapToInt(FaultClient::pendingCount).sum() > 0 && System.nanoTime() < deadline) {
            allClients().forEach(c -> c.retryUnacked(LATE, GIVE_UP));
            Thread.sleep(500);
        }
        int unacked = allClients().stream().mapToInt(FaultClient::pendingCount).sum();
        awaitDeliveries(Duration.ofSeconds(10));
        List<RunRecord.Event> events = record.events();
        Verification.Report report = null;
        long settle = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        do {
            if (report != null) {
                Thread.sleep(500);
            }
            report = Verification.verify(events, VerifyCommand.stored(cassandra, events));
        } while (report.findings().stream().anyMatch(f -> f.kind().equals("acked_missing")) && System.nanoTime() < settle);
        int gaveUp = allClients().stream().mapToInt(FaultClient::gaveUp).sum() + unacked;
        int reconnects = allClients().stream().mapToInt(c -> Math.max(0, c.reconnects() - 1)).sum();
        return new Result(report, gaveUp, reconnects);
    }

    /** Waits (up to {@code wait}) until every member of its channel has received every acked message. */
    private void awaitDeliveries(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline && !allDelivered()) {
            Thread.sleep(100);
        }
    }

    private boolean allDelivered() {
        return undelivered() == 0;
    }

    /** @return how many sends of the run have been acked so far */
    long acked() {
        return record.events().stream().filter(RunRecord.Acked.class::isInstance).count();
    }

    /** @return how many (member, acked message) pairs of the run have not reached that member's socket */
    long undelivered() {
        java.util.Set<String> received = new java.util.HashSet<>();
        List<RunRecord.Acked> acked = new ArrayList<>();
        for (RunRecord.Event event : record.events()) {
            if (event instanceof RunRecord.Received r) {
                received.add(r.userId() + "/" + r.messageId());
            } else if (event instanceof RunRecord.Acked a) {
                acked.add(a);
            }
        }
        long missing = 0;
        for (RunRecord.Acked ack : acked) {
            for (FaultClient member : members.get(channels.indexOf(ack.channelId()))) {
                if (!received.contains(member.userId() + "/" + ack.messageId())) {
                    missing++;
                }
            }
        }
        return missing;
    }

    /**
     * @param since a System.nanoTime() instant (the end of a fault)
     * @return how long after it the first message sent after it was acked, or null if none was
     */
    Duration firstAckAfter(long since) {
        long best = Long.MAX_VALUE;
        for (FaultClient client : allClients()) {
            for (long[] times : client.sendAndAckTimes().values()) {
                if (times[0] >= since && times[1] < best) {
                    best = times[1];
                }
            }
        }
        return best == Long.MAX_VALUE ? null : Duration.ofNanos(best - since);
    }

    /** What a run came to. */
    record Result(Verification.Report report, int gaveUp, int reconnects) {
    }

    private List<FaultClient> allClients() {
        return members.stream().flatMap(List::stream).toList();
    }

    @Override
    public void close() {
        sending = false;
        allClients().forEach(FaultClient::close);
    }
}
