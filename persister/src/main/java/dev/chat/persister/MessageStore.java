package dev.chat.persister;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import dev.chat.common.MessageBuckets;
import dev.chat.common.MessageTables;
import dev.chat.common.wire.ChannelEvent;
import dev.chat.common.wire.ChatMessage;
import dev.chat.common.wire.MessageDeleted;
import dev.chat.common.wire.MessageUpdated;
import dev.chat.common.wire.Reaction;

/**
 * Writes a batch of messages to Cassandra idempotently, without lightweight transactions. A
 * channel's records are in one Kafka partition, read by one consumer at a time, so "the first
 * message_id of (channel, sender, client_id) in log order wins" decides every send the same way
 * each time: the batch is deduplicated in memory in offset order, the existing claims of its
 * sends are read ({@code sends_by_client_id}), and new claims and the winning rows are written
 * with plain inserts (rows grouped per Cassandra partition), with bounded concurrency. Writing a
 * batch again (redelivery, a second consumer during a rebalance) computes and writes the same.
 * Thread-safe (prepared statements on the shared session).
 */
final class MessageStore {

    /** Most Cassandra requests in flight at once. */
    private static final int MAX_IN_FLIGHT = 128;
    /** Most rows in one unlogged batch (all of one partition). */
    private static final int MAX_ROWS_PER_BATCH = 50;

    /** What happened to one message. */
    enum Result {
        /** Written (or already there under the same message_id). */
        STORED,
        /** Another message_id already holds this send: not stored again. */
        DUPLICATE
    }

    private record SendKey(UUID channelId, long senderId, String clientId) {
        static SendKey of(ChatMessage message) {
            return new SendKey(message.channelId(), message.senderId(), message.clientId());
        }
    }

    private record Partition(UUID channelId, int bucket) {
    }

    private final CqlSession session;
    private final PreparedStatement readClaim;
    private final PreparedStatement writeClaim;
    private final PreparedStatement insert;
    private final PreparedStatement updateContent;
    private final PreparedStatement markDeleted;
    private final PreparedStatement selectStatus;
    private final PreparedStatement insertEvent;
    private final PreparedStatement insertReaction;
    private final PreparedStatement deleteReaction;
    private final PreparedStatement probe;

    MessageStore(CqlSession session) {
        this.session = session;
        this.readClaim = session.prepare(MessageTables.SELECT_CLAIM);
        this.writeClaim = session.prepare(MessageTables.INSERT_CLAIM);
        this.insert = session.prepare(MessageTables.INSERT_MESSAGE);
        this.updateContent = session.prepare(MessageTables.UPDATE_CONTENT);
        this.markDeleted = session.prepare(MessageTables.MARK_DELETED);
        this.selectStatus = session.prepare(MessageTables.SELECT_STATUS);
        this.insertEvent = session.prepare(MessageTables.INSERT_EVENT);
        this.insertReaction = session.prepare(MessageTables.INSERT_REACTION);
        this.deleteReaction = session.prepare(MessageTables.DELETE_REACTION);
        this.probe = session.prepare("SELECT message_id FROM messages_by_channel WHERE channel_id = ? AND bucket = ? LIMIT 1");
    }

    /**
     * Stores a batch (in Kafka offset order); returns when Cassandra acknowledged all of it.
     *
     * @param messages the batch
     * @param timeout  how long to wait for Cassandra
     * @return each message's result, in order
     * @throws Exception the first failure (the batch may be retried as a whole: it is idempotent)
     */
    List<Result> storeAll(List<ChatMessage> messages, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        Map<SendKey, UUID> firstInBatch = new LinkedHashMap<>();
        messages.forEach(message -> firstInBatch.putIfAbsent(SendKey.of(message), message.messageId()));

        Map<SendKey, CompletableFuture<UUID>> claims = new HashMap<>();
        for (SendKey key : firstInBatch.keySet()) {
            claims.put(key, limited(inFlight, () -> session.executeAsync(readClaim.bind(key.channelId(), key.senderId(),
                            key.clientId()).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM)))
                    .thenApply(rows -> {
                        Row row = rows.one();
                        return row == null ? null : row.getUuid("message_id");
                    }));
        }
        await(claims.values(), deadline);

        List<CompletableFuture<?>> writes = new ArrayList<>();
        Map<SendKey, UUID> winners = new HashMap<>();
        firstInBatch.forEach((key, first) -> {
            UUID claimed = claims.get(key).join();
            winners.put(key, claimed != null ? claimed : first);
            if (claimed == null) {
                writes.add(limited(inFlight, () -> session.executeAsync(writeClaim.bind(key.channelId(), key.senderId(),
                        key.clientId(), first).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))));
            }
        });
        List<Result> results = new ArrayList<>(messages.size());
        Map<Partition, List<ChatMessage>> rows = new LinkedHashMap<>();
        Set<UUID> written = new HashSet<>();
        for (ChatMessage message : messages) {
            boolean wins = message.messageId().equals(winners.get(SendKey.of(message)));
            results.add(wins ? Result.STORED : Result.DUPLICATE);
            if (wins && written.add(message.messageId())) {
                rows.computeIfAbsent(new Partition(message.channelId(), MessageBuckets.of(message.messageId())),
                        partition -> new ArrayList<>()).add(message);
            }
        }
        rows.values().forEach(partition -> {
            for (int from = 0; from < partition.size(); from += MAX_ROWS_PER_BATCH) {
                Statement<?> statement = rowsOf(partition.subList(from, Math.min(partition.size(), from + MAX_ROWS_PER_BATCH)));
                writes.add(limited(inFlight, () -> session.executeAsync(statement)));
            }
        });
        await(writes, deadline);
        return results;
    }

    /** One partition's rows: a single insert, or an unlogged batch (one partition: one mutation). */
    private Statement<?> rowsOf(List<ChatMessage> messages) {
        if (messages.size() == 1) {
            return row(messages.getFirst()).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM);
        }
        BatchStatementBuilder batch = BatchStatement.builder(BatchType.UNLOGGED);
        messages.forEach(message -> batch.addStatement(row(message)));
        return batch.setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM).build();
    }

    private com.datastax.oss.driver.api.core.cql.BoundStatement row(ChatMessage message) {
        return insert.bind(message.channelId(), MessageBuckets.of(message.messageId()), message.messageId(),
                message.senderId(), message.clientId(), message.content(), message.msgType(), "sent",
                message.createdAt(), message.seq() > 0 ? message.seq() : null, message.epoch(),
                message.attachment() == null ? null : dev.chat.common.wire.Json.encode(message.attachment()), micros(message.createdAt()));
    }

    /**
     * Applies an edit or a deletion to its message, after the messages of its batch are stored (an
     * edit always follows its message in the channel's log). Idempotent: applied again it writes the
     * same cells with the same write time. An edit of a message that is deleted (a race the api
     * cannot see) or not stored is dropped; a deletion wins over any earlier edit by write time.
     *
     * @param change  the edit or deletion
     * @param timeout how long Cassandra may take
     * @return whether it changed the message
     */
    boolean apply(ChannelEvent change, Duration timeout) throws Exception {
        if (change instanceof Reaction reaction) {
            return react(reaction, timeout);
        }
        UUID channel = change.channelId();
        UUID messageId = switch (change) {
            case MessageUpdated edit -> edit.messageId();
            case MessageDeleted deletion -> deletion.messageId();
            case ChatMessage message -> throw new IllegalArgumentException("a message is stored, not applied");
            case Reaction reaction -> reaction.messageId();
        };
        java.time.Instant at = change instanceof MessageUpdated edit ? edit.editedAt() : ((MessageDeleted) change).deletedAt();
        int bucket = MessageBuckets.of(messageId);
        session.executeAsync(insertEvent.bind(channel, MessageBuckets.of(at), change.epoch(), change.seq(), messageId,
                change instanceof MessageUpdated ? "edit" : "delete", at).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))
                .toCompletableFuture().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        Row row = session.executeAsync(selectStatus.bind(channel, bucket, messageId).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))
                .toCompletableFuture().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS).one();
        if (row == null || change instanceof MessageUpdated && !"sent".equals(row.getString("status"))) {
            return false;
        }
        var write = change instanceof MessageUpdated edit
                ? updateContent.bind(micros(at), edit.content(), at, channel, bucket, messageId)
                : markDeleted.bind(micros(at), at, channel, bucket, messageId);
        session.executeAsync(write.setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM)).toCompletableFuture()
                .get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        return true;
    }

    /** A reaction added or removed; its write time orders it against the same user's other ones for that emoji. */
    private boolean react(Reaction reaction, Duration timeout) throws Exception {
        UUID channel = reaction.channelId();
        int bucket = MessageBuckets.of(reaction.messageId());
        var event = insertEvent.bind(channel, MessageBuckets.of(reaction.at()), reaction.epoch(), reaction.seq(),
                reaction.messageId(), "reaction", reaction.at());
        var write = Reaction.ADD.equals(reaction.action())
                ? insertReaction.bind(channel, bucket, reaction.messageId(), reaction.emoji(), reaction.userId(), micros(reaction.at()))
                : deleteReaction.bind(micros(reaction.at()), channel, bucket, reaction.messageId(), reaction.emoji(), reaction.userId());
        for (var statement : List.of(event, write)) {
            session.executeAsync(statement.setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM)).toCompletableFuture()
                    .get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        return true;
    }

    /** @return a Cassandra write time: microseconds since the epoch */
    static long micros(java.time.Instant at) {
        return at.getEpochSecond() * 1_000_000 + at.getNano() / 1_000;
    }

    /**
     * Reads the messages table once: throws when the table itself is unusable (dropped, altered,
     * no permission), which no retry or dead-lettering can fix.
     */
    void checkTable() {
        session.execute(probe.bind(new UUID(0, 0), 0));
    }

    /** Starts a request once fewer than {@link #MAX_IN_FLIGHT} are running. */
    private static <T> CompletableFuture<T> limited(Semaphore inFlight, Supplier<CompletionStage<T>> request) {
        inFlight.acquireUninterruptibly();
        try {
            return request.get().toCompletableFuture().whenComplete((result, error) -> inFlight.release());
        } catch (RuntimeException e) {
            inFlight.release();
            throw e;
        }
    }

    private static void await(java.util.Collection<? extends CompletableFuture<?>> futures, long deadline)
            throws Exception {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}
