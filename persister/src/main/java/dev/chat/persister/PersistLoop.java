package dev.chat.persister;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.SyntaxError;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.chat.common.MessageConsumers;
import dev.chat.common.wire.ChannelEvent;
import dev.chat.common.wire.ChatMessage;
import dev.chat.common.wire.MessageDeleted;
import dev.chat.common.wire.MessageUpdated;
import dev.chat.common.wire.Reaction;
import dev.chat.common.wire.ServerEvent;
import dev.chat.common.wire.Json;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The persister's consumer loop: polls {@code chat-messages}, stores each poll's batch in
 * Cassandra, and commits the offsets only after Cassandra acknowledged the whole batch. Records
 * that are not chat messages go to the dead-letter topic and the partition carries on. While
 * Cassandra is unavailable it backs off and retries the same batch (idempotent writes), pausing
 * the partitions so the group keeps its assignment; records Cassandra refuses are found one by one
 * and parked on the dead-letter topic too ({@link StoreFailures} is the policy). Fatal errors
 * (configuration, authorization, an unusable table) stop the loop and the process exits non-zero. One thread: the consumer is used only by it ({@link #close} wakes it).
 */
final class PersistLoop implements Runnable, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PersistLoop.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaConsumer<String, String> consumer;
    private final String topic;
    private final MessageStore store;
    private final DeadLetters deadLetters;
    private final PersisterMetrics metrics;
    private final Runnable onFatal;
    private volatile boolean closed;
    private volatile boolean running;
    private Thread thread;

    PersistLoop(PersisterSettings settings, MessageStore store, DeadLetters deadLetters, PersisterMetrics metrics,
                Runnable onFatal) {
        // offsets are committed by hand, after Cassandra has the batch; a new group starts from the beginning
        this.consumer = MessageConsumers.create(settings.bootstrap(), settings.group(), "persister", settings.maxBatch(), Map.of(
                // a crashed persister's partitions move to the others after this long without heartbeats
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, settings.sessionTimeoutMillis(),
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(500, settings.sessionTimeoutMillis() / 4)));
        this.topic = settings.topic();
        this.store = store;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.onFatal = onFatal;
        metrics.lag(() -> consumer.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("records-lag-max"))
                .map(e -> e.getValue().metricValue())
                .filter(v -> v instanceof Double d && !d.isNaN())
                .mapToDouble(v -> (Double) v).findFirst().orElse(0));
    }

    /** Starts the loop on its own thread. */
    void start() {
        thread = Thread.ofPlatform().name("persist-loop").start(this);
    }

    /** @return whether the loop is running (readiness) */
    boolean running() {
        return running;
    }

    @Override
    public void run() {
        running = true;
        try {
            consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                // runs inside poll(): between batches everything stored is committed already; during a
                // batch's retries, persist() drops the records of revoked partitions (their new owner
                // stores them) and keepMembership() pauses new ones and rewinds what they returned
                @Override
                public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {
                    LOG.log(System.Logger.Level.INFO, "persister: partitions revoked: {0}", partitions);
                }

                @Override
                public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
                    LOG.log(System.Logger.Level.INFO, "persister: partitions assigned: {0}", partitions);
                }
            });
            while (!closed) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    persist(records);
                }
            }
        } catch (WakeupException e) {
            // close() was called
        } catch (AuthenticationException | AuthorizationException | InvalidGroupIdException
                 | InvalidQueryException | SyntaxError e) {
            LOG.log(System.Logger.Level.ERROR, "persister: fatal error, stopping: " + e, e);
            running = false;
            onFatal.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "persister: unexpected error, stopping: " + e, e);
            running = false;
            onFatal.run();
        } finally {
            running = false;
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** One polled record: the message, edit or deletion it holds, or why it can never be stored. */
    private record Pending(ConsumerRecord<String, String> record, ChannelEvent event, String poison) {

        /** @return the message it holds, or null */
        ChatMessage message() {
            return event instanceof ChatMessage message ? message : null;
        }

        /** @return the edit or deletion it holds, or null */
        ChannelEvent change() {
            return event == null || event instanceof ChatMessage ? null : event;
        }

        static Pending of(ConsumerRecord<String, String> record) {
            try {
                return new Pending(record, validate(record), null);
            } catch (Poison e) {
                return new Pending(record, null, e.getMessage());
            }
        }

        TopicPartition partition() {
            return new TopicPartition(record.topic(), record.partition());
        }
    }

    /** The batch could not be stored now for a reason that passes (Cassandra or Kafka away): retry it. */
    private static final class RetryLater extends Exception {
        RetryLater(Throwable cause) {
            super(cause.toString(), cause, false, false);
        }
    }

    private void persist(ConsumerRecords<String, String> records) throws InterruptedException {
        long start = System.nanoTime();
        List<Pending> batch = new ArrayList<>(records.count());
        records.forEach(record -> batch.add(Pending.of(record)));
        Duration backoff = Duration.ofMillis(100);
        int attempts = 0;
        while (!closed) {
            // partitions revoked meanwhile (a rebalance while retrying) are their new owner's to store
            batch.removeIf(pending -> !consumer.assignment().contains(pending.partition()));
            attempts++;
            try {
                storeOrPark(batch, attempts);
                break;
            } catch (RetryLater e) {
                LOG.log(System.Logger.Level.WARNING, "persister: storing {0} records failed ({1}); retrying in {2} ms",
                        batch.size(), e.getMessage(), backoff.toMillis());
                metrics.retry();
                consumer.pause(consumer.assignment());
                Thread.sleep(backoff.toMillis());
                keepMembership();
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
        consumer.resume(consumer.paused());
        if (closed) {
            return; // not committed: the batch is redelivered and stored again, harmlessly
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        batch.forEach(pending -> offsets.put(pending.partition(), new OffsetAndMetadata(pending.record().offset() + 1)));
        try {
            consumer.commitSync(offsets);
        } catch (CommitFailedException e) {
            // the partitions moved to another member during a rebalance; it redoes them, idempotently
            LOG.log(System.Logger.Level.WARNING, "persister: commit failed after rebalance: {0}", e.getMessage());
        }
        metrics.batch(records.count(), Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Parks the records that are not chat messages and stores the rest; when Cassandra refuses the
     * batch itself (or an unknown error repeats), stores record by record and parks the ones refused.
     *
     * @throws RetryLater when Cassandra or Kafka is away (nothing is lost: the batch is retried)
     */
    private void storeOrPark(List<Pending> batch, int attempts) throws RetryLater, InterruptedException {
        storeMessagesOrPark(batch, attempts);
        // edits and deletions after the messages: an edit always follows its message in the log
        for (Pending pending : batch) {
            if (pending.change() == null) {
                continue;
            }
            try {
                store.apply(pending.change(), STORE_TIMEOUT);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (StoreFailures.classify(e) == StoreFailures.Kind.OUTAGE) {
                    throw new RetryLater(StoreFailures.unwrap(e));
                }
                parkOrRetry(pending.record(), "refused by Cassandra: " + StoreFailures.unwrap(e));
            }
        }
    }

    private void storeMessagesOrPark(List<Pending> batch, int attempts) throws RetryLater, InterruptedException {
        for (Pending pending : batch) {
            if (pending.poison() != null) {
                parkOrRetry(pending.record(), pending.poison());
            }
        }
        List<Pending> messages = batch.stream().filter(pending -> pending.message() != null).toList();
        StoreFailures.Kind kind;
        try {
            store(messages.stream().map(Pending::message).toList());
            return;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            kind = StoreFailures.classify(e);
            if (kind == StoreFailures.Kind.OUTAGE
                    || kind == StoreFailures.Kind.UNKNOWN && attempts < StoreFailures.ATTEMPTS_BEFORE_ISOLATING) {
                throw new RetryLater(StoreFailures.unwrap(e));
            }
            LOG.log(System.Logger.Level.WARNING, "persister: a batch of {0} was refused ({1}); storing it record by record",
                    messages.size(), StoreFailures.unwrap(e).toString());
        }
        List<Pending> refused = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        boolean anyStored = false;
        for (Pending pending : messages) {
            try {
                store(List.of(pending.message()));
                anyStored = true;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (StoreFailures.classify(e) == StoreFailures.Kind.OUTAGE) {
                    throw new RetryLater(StoreFailures.unwrap(e));
                }
                refused.add(pending);
                reasons.add(StoreFailures.unwrap(e).toString());
            }
        }
        if (!refused.isEmpty() && !anyStored) {
            store.checkTable(); // throws (the persister stops) if the table itself is unusable: configuration
        }
        for (int i = 0; i < refused.size(); i++) {
            parkOrRetry(refused.get(i).record(), "refused by Cassandra: " + reasons.get(i));
        }
    }

    private void store(List<ChatMessage> messages) throws Exception {
        List<MessageStore.Result> results = store.storeAll(messages, STORE_TIMEOUT);
        metrics.stored(results.stream().filter(r -> r == MessageStore.Result.STORED).count(),
                results.stream().filter(r -> r == MessageStore.Result.DUPLICATE).count());
    }

    private void parkOrRetry(ConsumerRecord<String, String> record, String reason) throws RetryLater, InterruptedException {
        try {
            park(record, reason);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new RetryLater(e); // the dead-letter topic is away: the batch waits (records are parked at least once)
        }
    }

    /**
     * Polls while every partition is paused, so the group keeps this member; a partition assigned
     * in that poll (a rebalance) is paused too, and records it returned are rewound, never dropped.
     */
    private void keepMembership() {
        ConsumerRecords<String, String> unexpected = consumer.poll(Duration.ZERO);
        Map<TopicPartition, Long> rewind = new HashMap<>();
        unexpected.forEach(record -> rewind.merge(new TopicPartition(record.topic(), record.partition()), record.offset(), Math::min));
        rewind.forEach(consumer::seek);
        consumer.pause(consumer.assignment());
    }

    private void park(ConsumerRecord<String, String> record, String reason) throws Exception {
        deadLetters.park(record, reason);
        metrics.deadLettered();
        LOG.log(System.Logger.Level.WARNING, "persister: parked {0}/{1}@{2} on the dead-letter topic: {3}",
                record.topic(), record.partition(), record.offset(), reason);
    }

    /**
     * @param record a record of chat-messages
     * @return the message, edit or deletion it holds
     * @throws Poison if it is not a storable channel event (the message says why)
     */
    static ChannelEvent validate(ConsumerRecord<String, String> record) throws Poison {
        if (record.value() == null) {
            throw new Poison("empty value");
        }
        ServerEvent event;
        try {
            event = Json.decode(record.value(), ServerEvent.class);
        } catch (JsonProcessingException e) {
            throw new Poison("not a chat message: " + e.getOriginalMessage());
        }
        if (record.key() != null && event instanceof ChannelEvent placed && placed.channelId() != null
                && !record.key().equals(placed.channelId().toString())) {
            throw new Poison("record key " + record.key() + " is not the event's channel_id");
        }
        return switch (event) {
            case ChatMessage message -> validMessage(message);
            case MessageUpdated edit when edit.channelId() != null && timeUuid(edit.messageId()) && edit.content() != null
                    && edit.editedAt() != null && edit.seq() > 0 && edit.epoch() != null -> edit;
            case MessageDeleted deletion when deletion.channelId() != null && timeUuid(deletion.messageId())
                    && deletion.deletedAt() != null && deletion.seq() > 0 && deletion.epoch() != null -> deletion;
            case Reaction reaction when reaction.channelId() != null && timeUuid(reaction.messageId()) && reaction.at() != null
                    && reaction.seq() > 0 && reaction.epoch() != null && dev.chat.common.wire.EmojiRules.isEmoji(reaction.emoji())
                    && (Reaction.ADD.equals(reaction.action()) || Reaction.REMOVE.equals(reaction.action())) -> reaction;
            case Reaction reaction -> throw new Poison("reaction misses channel_id, a TIMEUUID message_id, an emoji, action,"
                    + " at, seq or epoch");
            case MessageUpdated edit -> throw new Poison("message_updated misses channel_id, a TIMEUUID message_id, content,"
                    + " edited_at, seq or epoch");
            case MessageDeleted deletion -> throw new Poison("message_deleted misses channel_id, a TIMEUUID message_id,"
                    + " deleted_at, seq or epoch");
            default -> throw new Poison("not a chat message: a " + event.getClass().getSimpleName() + " event");
        };
    }

    private static boolean timeUuid(java.util.UUID id) {
        return id != null && id.version() == 1;
    }

    private static ChatMessage validMessage(ChatMessage message) throws Poison {
        if (message.channelId() == null || message.messageId() == null || message.clientId() == null
                || message.content() == null || message.createdAt() == null || message.msgType() == null) {
            throw new Poison("chat message misses channel_id, message_id, client_id, content, msg_type or created_at");
        }
        if (message.messageId().version() != 1) {
            throw new Poison("message_id is not a TIMEUUID");
        }
        return message;
    }

    /** A record that can never be stored. */
    static final class Poison extends Exception {
        Poison(String reason) {
            super(reason, null, false, false);
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
