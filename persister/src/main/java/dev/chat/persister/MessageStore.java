package dev.chat.persister;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.type.DataTypes;
import com.datastax.oss.driver.api.core.type.TupleType;
import dev.chat.common.store.MessageBuckets;
import dev.chat.common.store.MessageTables;
import dev.chat.common.store.TimeUuids;
import dev.chat.common.wire.ChannelEvent;
import dev.chat.common.wire.ChatMessage;
import dev.chat.common.wire.MessageDeleted;
import dev.chat.common.wire.MessageUpdated;
import dev.chat.common.wire.Reaction;

/**
 * Writes a batch of messages to Cassandra idempotently, without lightweight transactions, in as
 * few requests as it can. A channel's records are in one Kafka partition, read by one consumer at
 * a time, so "the first message_id of (channel, sender, client_id) in log order wins" decides
 * every send the same way each time: the batch is deduplicated in memory in offset order, the
 * existing claims of its sends are read ({@code sends_by_channel}; one query covers several
 * channels' partitions of a bucket, {@link #readClaims}), and new claims and the winning rows
 * are written with plain inserts. A send's claim and its row share their partition key (channel,
 * bucket), so they are one mutation; several partitions go in one unlogged batch (at most {@code partitionsPerRequest}, under the
 * batch size Cassandra refuses). A reply is also written to its thread's index
 * ({@code replies_by_root}), and after the batch each thread touched gets its reply count and
 * latest reply written on its root as whole values. Writing a batch again (redelivery, a second
 * consumer during a rebalance) computes and writes the same. Thread-safe (prepared statements on the shared session).
 */
final class MessageStore {

    /** Most Cassandra requests in flight at once. */
    private static final int MAX_IN_FLIGHT = 128;
    /** Most statements in one batch (rows and claims). */
    private static final int MAX_STATEMENTS_PER_BATCH = 100;
    /**
     * Most (estimated) bytes in a batch of several partitions: Cassandra refuses a multi-partition
     * batch over batch_size_fail_threshold (50 KiB by default); one partition's batch may be larger.
     */
    private static final int MAX_BATCH_BYTES = 32 * 1024;
    /**
     * Most (channel, send) pairs one claims query searches: it reads every send of its list in
     * every channel of its list, so a query takes channels while that product stays under this.
     */
    private static final int MAX_CLAIMS_PER_READ = 100;
    /**
     * A repeat whose first attempt may be in the previous bucket: its message is this close to its
     * bucket's start (Redis remembers a send for a day; a repeat comes within minutes).
     */
    private static final Duration PREVIOUS_BUCKET_WINDOW = Duration.ofDays(1);

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

    /** A thread's partition of the index (replies_by_root). */
    private record ThreadKey(UUID channelId, UUID root) {
    }

    /** The statements of one Cassandra partition (one mutation) and their estimated size. */
    private static final class PartitionWrites {
        final List<BatchableStatement<?>> statements = new ArrayList<>();
        int bytes;

        void add(BatchableStatement<?> statement, int size) {
            statements.add(statement);
            bytes += size;
        }
    }

    private final CqlSession session;
    private final int partitionsPerRequest;
    private final PreparedStatement readClaims;
    private final PreparedStatement writeClaim;
    private final PreparedStatement insert;
    private final PreparedStatement updateContent;
    private final PreparedStatement markDeleted;
    private final PreparedStatement selectStatus;
    private final PreparedStatement insertEvent;
    private final PreparedStatement insertReaction;
    private final PreparedStatement deleteReaction;
    private final PreparedStatement probe;
    private final PreparedStatement selectReplyTo;
    private final PreparedStatement insertReply;
    private final PreparedStatement countReplies;
    private final PreparedStatement latestReply;
    private final PreparedStatement updateThread;
    private final TupleType sendType;

    /**
     * @param session              the session in the chat keyspace
     * @param partitionsPerRequest most partitions written by one request (1: each partition alone,
     *                             token-aware; more: fewer requests, the coordinator forwards)
     */
    MessageStore(CqlSession session, int partitionsPerRequest) {
        this.session = session;
        this.partitionsPerRequest = partitionsPerRequest;
        this.readClaims = session.prepare(MessageTables.SELECT_CLAIMS);
        this.writeClaim = session.prepare(MessageTables.INSERT_CLAIM);
        this.insert = session.prepare(MessageTables.INSERT_MESSAGE);
        this.updateContent = session.prepare(MessageTables.UPDATE_CONTENT);
        this.markDeleted = session.prepare(MessageTables.MARK_DELETED);
        this.selectStatus = session.prepare(MessageTables.SELECT_STATUS);
        this.insertEvent = session.prepare(MessageTables.INSERT_EVENT);
        this.insertReaction = session.prepare(MessageTables.INSERT_REACTION);
        this.deleteReaction = session.prepare(MessageTables.DELETE_REACTION);
        this.probe = session.prepare(MessageTables.SELECT_ANY);
        this.selectReplyTo = session.prepare(MessageTables.SELECT_REPLY_TO);
        this.insertReply = session.prepare(MessageTables.INSERT_REPLY);
        this.countReplies = session.prepare(MessageTables.COUNT_REPLIES);
        this.latestReply = session.prepare(MessageTables.LATEST_REPLY);
        this.updateThread = session.prepare(MessageTables.UPDATE_THREAD);
        this.sendType = DataTypes.tupleOf(DataTypes.BIGINT, DataTypes.TEXT);
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
        Map<SendKey, UUID> claimed = readClaims(firstInBatch, inFlight, deadline);

        Map<Object, PartitionWrites> writes = new LinkedHashMap<>();
        Map<SendKey, UUID> winners = new HashMap<>();
        firstInBatch.forEach((key, first) -> {
            UUID earlier = claimed.get(key);
            winners.put(key, earlier != null ? earlier : first);
            if (earlier == null) {
                int bucket = MessageBuckets.of(first);
                writes.computeIfAbsent(new Partition(key.channelId(), bucket), p -> new PartitionWrites())
                        .add(writeClaim.bind(key.channelId(), bucket, key.senderId(), key.clientId(), first),
                                64 + key.clientId().length());
            }
        });
        List<Result> results = new ArrayList<>(messages.size());
        List<ChatMessage> stored = new ArrayList<>();
        Set<UUID> written = new HashSet<>();
        for (ChatMessage message : messages) {
            boolean wins = message.messageId().equals(winners.get(SendKey.of(message)));
            results.add(wins ? Result.STORED : Result.DUPLICATE);
            if (wins && written.add(message.messageId())) {
                stored.add(message);
            }
        }
        Map<UUID, UUID> roots = threadRoots(stored, inFlight, deadline);
        Map<ThreadKey, Long> threads = new LinkedHashMap<>();
        for (ChatMessage message : stored) {
            UUID root = roots.get(message.messageId());
            writes.computeIfAbsent(new Partition(message.channelId(), MessageBuckets.of(message.messageId())),
                    partition -> new PartitionWrites()).add(row(message, root), estimatedBytes(message));
            if (root != null) {
                ThreadKey thread = new ThreadKey(message.channelId(), root);
                writes.computeIfAbsent(thread, t -> new PartitionWrites())
                        .add(insertReply.bind(message.channelId(), root, message.messageId()), 64);
                threads.merge(thread, 1L, Long::sum);
            }
        }
        List<CompletableFuture<?>> requests = new ArrayList<>();
        for (Statement<?> statement : batches(writes.values())) {
            requests.add(limited(inFlight, () -> session.executeAsync(statement)));
        }
        await(requests, deadline);
        countReplies(threads.keySet(), inFlight, deadline);
        return results;
    }

    /**
     * The thread root of each reply about to be stored: the message it names, or that message's own
     * root when it is a reply too (the per-channel step in Redis resolves this while it still knows
     * the message; this also covers older ones). A reply naming a message the channel does not
     * have is stored as a plain message. Reads the named messages the batch does not hold, in one
     * round.
     *
     * @return reply message_id to its root (replies only)
     */
    private Map<UUID, UUID> threadRoots(List<ChatMessage> messages, Semaphore inFlight, long deadline) throws Exception {
        Map<UUID, ChatMessage> inBatch = new HashMap<>();
        messages.forEach(message -> inBatch.put(message.messageId(), message));
        Map<UUID, Optional<UUID>> outside = new java.util.concurrent.ConcurrentHashMap<>(); // named -> its reply_to
        List<CompletableFuture<?>> reads = new ArrayList<>();
        for (ChatMessage message : messages) {
            UUID named = message.replyTo();
            if (named != null && !inBatch.containsKey(named) && outside.putIfAbsent(named, Optional.empty()) == null) {
                reads.add(limited(inFlight, () -> session.executeAsync(selectReplyTo.bind(message.channelId(),
                                MessageBuckets.of(named), named).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM)))
                        .thenAccept(rows -> {
                            Row row = rows.one();
                            if (row == null) {
                                outside.remove(named);
                            } else if (!row.isNull("reply_to")) {
                                outside.put(named, Optional.of(row.getUuid("reply_to")));
                            }
                        }));
            }
        }
        await(reads, deadline);
        Map<UUID, UUID> roots = new HashMap<>();
        for (ChatMessage message : messages) { // in log order: a reply's parent in the batch is resolved first
            UUID named = message.replyTo();
            if (named == null || named.equals(message.messageId())) {
                continue;
            }
            if (inBatch.containsKey(named)) {
                roots.put(message.messageId(), roots.getOrDefault(named, named));
            } else if (outside.containsKey(named)) {
                roots.put(message.messageId(), outside.get(named).orElse(named));
            }
        }
        return roots;
    }

    /** Writes each thread's reply count and latest reply on its root, as whole values (idempotent). */
    private void countReplies(Set<ThreadKey> threads, Semaphore inFlight, long deadline) throws Exception {
        List<CompletableFuture<?>> updates = new ArrayList<>();
        for (ThreadKey thread : threads) {
            CompletableFuture<Long> count = limited(inFlight, () -> session.executeAsync(countReplies.bind(thread.channelId(),
                    thread.root()).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))).thenApply(rows -> rows.one().getLong("replies"));
            CompletableFuture<UUID> latest = limited(inFlight, () -> session.executeAsync(latestReply.bind(thread.channelId(),
                            thread.root()).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM)))
                    .thenApply(rows -> {
                        Row row = rows.one();
                        return row == null ? null : row.getUuid("message_id");
                    });
            updates.add(count.thenCombine(latest, (replies, last) -> last == null ? null : updateThread.bind(
                            micros(TimeUuids.instant(last)), (int) (long) replies, TimeUuids.instant(last), thread.channelId(),
                            MessageBuckets.of(thread.root()), thread.root()).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))
                    .thenCompose(update -> update == null ? CompletableFuture.completedFuture(null)
                            : session.executeAsync(update).toCompletableFuture()));
        }
        await(updates, deadline);
    }

    /**
     * The claims already stored for these sends: per bucket, one query for as many channels as keep
     * (channels × their sends) under {@link #MAX_CLAIMS_PER_READ} (for a send near its bucket's
     * start, the previous bucket too). At a low rate a batch holds about one send per channel, so
     * this is a handful of requests per batch instead of one per channel: Cassandra's cost follows
     * its requests (docs/benchmarks.md).
     */
    private Map<SendKey, UUID> readClaims(Map<SendKey, UUID> firstInBatch, Semaphore inFlight, long deadline) throws Exception {
        Map<Integer, Map<UUID, List<SendKey>>> byBucket = new LinkedHashMap<>();
        firstInBatch.forEach((key, first) -> {
            int bucket = MessageBuckets.of(first);
            byBucket.computeIfAbsent(bucket, b -> new LinkedHashMap<>())
                    .computeIfAbsent(key.channelId(), c -> new ArrayList<>()).add(key);
            if (TimeUuids.instant(first).isBefore(MessageBuckets.start(bucket).plus(PREVIOUS_BUCKET_WINDOW))) {
                byBucket.computeIfAbsent(bucket - 1, b -> new LinkedHashMap<>())
                        .computeIfAbsent(key.channelId(), c -> new ArrayList<>()).add(key);
            }
        });
        Map<SendKey, UUID> claimed = new java.util.concurrent.ConcurrentHashMap<>();
        List<CompletableFuture<?>> reads = new ArrayList<>();
        byBucket.forEach((bucket, channels) -> {
            for (ClaimsQuery query : claimsQueries(channels)) {
                reads.add(limited(inFlight, () -> session.executeAsync(readClaims.bind(query.channels(), bucket,
                                query.sends().stream().map(key -> sendType.newValue(key.senderId(), key.clientId())).toList())
                                .setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM)))
                        .thenAccept(rows -> rows.currentPage().forEach(row -> claimed.merge(new SendKey(row.getUuid("channel_id"),
                                row.getLong("sender_id"), row.getString("client_id")), row.getUuid("message_id"),
                                MessageStore::earlier))));
            }
        });
        await(reads, deadline);
        return claimed; // may hold claims of sends not in the batch (the product): never looked up
    }

    /** One claims query: these channels, searched for these sends. */
    private record ClaimsQuery(List<UUID> channels, List<SendKey> sends) {
    }

    /**
     * Groups a bucket's channels into queries of at most {@link #MAX_CLAIMS_PER_READ} (channel,
     * send) pairs; a channel with more sends than that is split into queries of its own.
     */
    private static List<ClaimsQuery> claimsQueries(Map<UUID, List<SendKey>> channels) {
        List<ClaimsQuery> queries = new ArrayList<>();
        List<UUID> group = new ArrayList<>();
        List<SendKey> sends = new ArrayList<>();
        for (var channel : channels.entrySet()) {
            List<SendKey> keys = channel.getValue();
            if (keys.size() > MAX_CLAIMS_PER_READ / 2) {
                for (int from = 0; from < keys.size(); from += MAX_CLAIMS_PER_READ) {
                    queries.add(new ClaimsQuery(List.of(channel.getKey()),
                            keys.subList(from, Math.min(keys.size(), from + MAX_CLAIMS_PER_READ))));
                }
                continue;
            }
            if (!group.isEmpty() && (group.size() + 1) * (sends.size() + keys.size()) > MAX_CLAIMS_PER_READ) {
                queries.add(new ClaimsQuery(group, sends));
                group = new ArrayList<>();
                sends = new ArrayList<>();
            }
            group.add(channel.getKey());
            sends.addAll(keys);
        }
        if (!group.isEmpty()) {
            queries.add(new ClaimsQuery(group, sends));
        }
        return queries;
    }

    /** Of two claims of one send (two buckets), the first message's: the earlier TIMEUUID. */
    private static UUID earlier(UUID a, UUID b) {
        return TimeUuids.instant(a).isAfter(TimeUuids.instant(b)) ? b : a;
    }

    /**
     * Packs the partitions' writes into unlogged batches: a partition's statements stay together
     * (one mutation), several partitions share a batch up to the limits.
     */
    private List<Statement<?>> batches(java.util.Collection<PartitionWrites> partitions) {
        List<Statement<?>> batches = new ArrayList<>();
        List<BatchableStatement<?>> current = new ArrayList<>();
        int partitionsInCurrent = 0;
        int bytesInCurrent = 0;
        for (PartitionWrites partition : partitions) {
            if (partition.statements.size() > MAX_STATEMENTS_PER_BATCH || partition.bytes > MAX_BATCH_BYTES) {
                // a large partition alone, in pieces (a single-partition batch has no size limit)
                for (int from = 0; from < partition.statements.size(); from += MAX_STATEMENTS_PER_BATCH) {
                    batches.add(batchOf(partition.statements.subList(from,
                            Math.min(partition.statements.size(), from + MAX_STATEMENTS_PER_BATCH))));
                }
                continue;
            }
            if (!current.isEmpty() && (partitionsInCurrent == partitionsPerRequest
                    || current.size() + partition.statements.size() > MAX_STATEMENTS_PER_BATCH
                    || bytesInCurrent + partition.bytes > MAX_BATCH_BYTES)) {
                batches.add(batchOf(current));
                current = new ArrayList<>();
                partitionsInCurrent = 0;
                bytesInCurrent = 0;
            }
            current.addAll(partition.statements);
            partitionsInCurrent++;
            bytesInCurrent += partition.bytes;
        }
        if (!current.isEmpty()) {
            batches.add(batchOf(current));
        }
        return batches;
    }

    private static Statement<?> batchOf(List<BatchableStatement<?>> statements) {
        if (statements.size() == 1) {
            return statements.getFirst().setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM);
        }
        return BatchStatement.builder(BatchType.UNLOGGED).addStatements(List.copyOf(statements))
                .setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM).build();
    }

    /** @return about how many bytes a message's row takes in a request (UTF-8 at worst 3 bytes a char) */
    private static int estimatedBytes(ChatMessage message) {
        return 200 + 3 * (message.content().length() + message.clientId().length()
                + (message.attachment() == null ? 0 : 300));
    }

    /** A message's row; optional columns it lacks are left unset (an explicit null would write a tombstone). */
    private com.datastax.oss.driver.api.core.cql.BoundStatement row(ChatMessage message, UUID root) {
        var row = insert.bind(message.channelId(), MessageBuckets.of(message.messageId()), message.messageId(),
                message.senderId(), message.clientId(), message.content(), message.msgType(), "sent",
                message.createdAt(), message.seq() > 0 ? message.seq() : null, message.epoch(),
                message.attachment() == null ? null : dev.chat.common.wire.Json.encode(message.attachment()), root,
                message.mentions().isEmpty() ? null : message.mentions(), micros(message.createdAt()));
        if (message.attachment() == null) {
            row = row.unset("attachment");
        }
        if (root == null) {
            row = row.unset("reply_to");
        }
        if (message.mentions().isEmpty()) {
            row = row.unset("mentions");
        }
        return row;
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
