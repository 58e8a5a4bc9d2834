package dev.chat.notifier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import dev.chat.common.BackendSettings;
import dev.chat.common.MessageConsumers;
import dev.chat.common.webhooks.WebhookEvents;
import dev.chat.common.wire.ChannelEvent;
import dev.chat.common.wire.ChatMessage;
import dev.chat.common.wire.MessageDeleted;
import dev.chat.common.wire.MessageUpdated;
import dev.chat.common.wire.Reaction;
import dev.chat.common.wire.ServerEvent;
import dev.chat.common.wire.Json;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The notifier's consumer loop on {@code chat-messages} (its own group): each poll's events
 * (messages, edits, deletions, reactions) are queued for the webhooks that want them in PostgreSQL, then handed to push, then the offsets are
 * committed. While PostgreSQL is away the same batch is retried (seeking back, so nothing is
 * skipped; queuing is idempotent per event id). Push is best effort and never holds the stream.
 * Records that are not chat messages are skipped (the persister parks them). One thread.
 */
final class MessageFeed implements Runnable, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MessageFeed.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final KafkaConsumer<String, String> consumer;
    private final String topic;
    private final WebhookOutbox outbox;
    private final Runnable queued;
    private final Consumer<List<ChatMessage>> push;
    private final NotifierMetrics metrics;
    private volatile boolean closed;
    private volatile boolean running;
    private Thread thread;

    /**
     * @param settings the topic, group and batch size
     * @param backends Kafka
     * @param outbox   where webhook events are queued
     * @param queued   told after events were queued (wakes the dispatcher)
     * @param push     given each batch's messages
     * @param metrics  meters
     */
    MessageFeed(NotifierSettings settings, BackendSettings backends, WebhookOutbox outbox, Runnable queued,
                Consumer<List<ChatMessage>> push, NotifierMetrics metrics) {
        // committed by hand once the batch's webhook events are queued; a new group reads what the topic
        // still holds: webhooks only get messages sent after they were created, push skips old messages
        this.consumer = MessageConsumers.create(backends.kafkaBootstrap(), settings.group(), "notifier", settings.maxBatch(), Map.of(
                // each poll costs two PostgreSQL queries (webhooks, push subscriptions of the batch's
                // channels): wait up to 100 ms for 16 KiB rather than polling every few records
                ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 16_384,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100));
        this.topic = settings.topic();
        this.outbox = outbox;
        this.queued = queued;
        this.push = push;
        this.metrics = metrics;
    }

    void start() {
        thread = Thread.ofPlatform().name("notifier-feed").start(this);
    }

    /** @return whether the loop runs (readiness) */
    boolean running() {
        return running;
    }

    @Override
    public void run() {
        running = true;
        try {
            consumer.subscribe(List.of(topic));
            Duration backoff = Duration.ofMillis(100);
            while (!closed) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                List<ChannelEvent> events = events(records);
                List<ChatMessage> messages = events.stream().filter(ChatMessage.class::isInstance).map(ChatMessage.class::cast).toList();
                try {
                    int count = queue(events);
                    metrics.queued(count);
                    if (count > 0) {
                        queued.run();
                    }
                    backoff = Duration.ofMillis(100);
                } catch (java.sql.SQLException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "notifier: cannot queue webhook events ({0}); retrying in {1} ms",
                            brief(e), backoff.toMillis());
                    rewind(records);
                    Thread.sleep(backoff.toMillis());
                    backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                    continue;
                }
                push.accept(messages);
                commit(records);
                metrics.records(records.count());
            }
        } catch (WakeupException e) {
            // close() was called
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "notifier: the message feed stopped: " + e, e);
        } finally {
            running = false;
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** @return the failure's first line, without the SQL a batch error repeats */
    private static String brief(Exception e) {
        Throwable cause = e instanceof java.sql.BatchUpdateException && e.getCause() != null ? e.getCause() : e;
        String message = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
        return message.length() > 300 ? message.substring(0, 300) + "…" : message;
    }

    private static List<ChannelEvent> events(ConsumerRecords<String, String> records) {
        List<ChannelEvent> events = new ArrayList<>(records.count());
        for (ConsumerRecord<String, String> record : records) {
            try {
                ServerEvent event = record.value() == null ? null : Json.decode(record.value(), ServerEvent.class);
                if (event instanceof ChannelEvent placed && placed.channelId() != null && placed.epoch() != null
                        && (!(placed instanceof ChatMessage message) || message.messageId() != null && message.createdAt() != null)) {
                    events.add(placed);
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                LOG.log(System.Logger.Level.DEBUG, "notifier: skipped a record that is not a chat message at {0}/{1}",
                        record.partition(), record.offset());
            }
        }
        return events;
    }

    /** @return how many webhook events were queued */
    private int queue(List<ChannelEvent> events) throws java.sql.SQLException {
        if (events.isEmpty()) {
            return 0;
        }
        Set<UUID> channels = events.stream().map(ChannelEvent::channelId).collect(Collectors.toSet());
        Set<UUID> watched = outbox.channelsWithWebhooks(channels);
        if (watched.isEmpty()) {
            return 0;
        }
        return outbox.enqueue(events.stream().filter(event -> watched.contains(event.channelId())).map(MessageFeed::webhookEvent).toList());
    }

    /** @return the webhook event of a channel event: its type, a stable id, its time and body */
    static WebhookOutbox.Event webhookEvent(ChannelEvent event) {
        return switch (event) {
            case ChatMessage message -> new WebhookOutbox.Event(message.channelId(), WebhookEvents.MESSAGE,
                    "msg_" + message.messageId(), message.createdAt(), WebhookEvents.body(WebhookEvents.MESSAGE, message.createdAt(), message));
            case MessageUpdated edit -> change(edit, WebhookEvents.MESSAGE_UPDATED, edit.editedAt());
            case MessageDeleted deletion -> change(deletion, WebhookEvents.MESSAGE_DELETED, deletion.deletedAt());
            case Reaction reaction -> change(reaction, WebhookEvents.REACTION, reaction.at());
        };
    }

    /** A change's id is its place in the channel's sequence: the same event always has the same id. */
    private static WebhookOutbox.Event change(ChannelEvent event, String type, java.time.Instant at) {
        return new WebhookOutbox.Event(event.channelId(), type, "evt_" + event.channelId() + "_" + event.epoch() + "_" + event.seq(),
                at, WebhookEvents.body(type, at, event));
    }

    private void rewind(ConsumerRecords<String, String> records) {
        for (TopicPartition partition : records.partitions()) {
            if (consumer.assignment().contains(partition)) {
                consumer.seek(partition, records.records(partition).getFirst().offset());
            }
        }
    }

    private void commit(ConsumerRecords<String, String> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            offsets.put(partition, new OffsetAndMetadata(records.records(partition).getLast().offset() + 1));
        }
        try {
            consumer.commitSync(offsets);
        } catch (CommitFailedException e) {
            // the partitions moved during a rebalance: their new owner reads them again (queuing is idempotent)
            LOG.log(System.Logger.Level.WARNING, "notifier: commit failed after a rebalance: {0}", e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
