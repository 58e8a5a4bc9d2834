package dev.chat.common.channel;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.wire.ChannelEvent;
import dev.chat.common.wire.ChatMessage;
import dev.chat.common.wire.Json;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The {@link EventLog} in Kafka: writes every placed channel event to topic {@code chat-messages},
 * keyed by channel so a channel's events stay in order in one partition. Owns the producer.
 * Thread-safe; the write callbacks run on the producer's I/O thread and only complete futures.
 */
public final class KafkaEventLog implements EventLog, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(KafkaEventLog.class.getName());
    /** A write past its timeout fails at most this much later (its check also takes the writes of that moment). */
    private static final Duration DEADLINE_SLACK = Duration.ofMillis(100);

    private final KafkaProducer<String, String> producer;
    private final String topic;
    /** Fails a write not acknowledged within the send timeout (one checking thread, not a timer per write). */
    private final SendDeadlines deadlines;
    private final java.util.function.BooleanSupplier kafkaUp;

    private KafkaEventLog(KafkaProducer<String, String> producer, String topic, Duration timeout,
                       java.util.function.BooleanSupplier kafkaUp) {
        this.producer = producer;
        this.kafkaUp = kafkaUp;
        this.topic = topic;
        this.deadlines = new SendDeadlines(timeout.plusMillis(500), DEADLINE_SLACK, "kafka-send-deadlines");
    }

    /**
     * @param service     who writes (the producer's client id, in logs)
     * @param backends    where Kafka is
     * @param sendTimeout how long a send waits for Kafka's acknowledgement before it is answered unavailable
     * @param retryWindow how long the producer keeps retrying a record after that, in the background
     * @param kafkaUp     the latest health probe of Kafka
     * @return the open log
     */
    public static KafkaEventLog open(String service, BackendSettings backends, Duration sendTimeout, Duration retryWindow,
                                  java.util.function.BooleanSupplier kafkaUp) {
        LOG.log(System.Logger.Level.INFO, "{0}: kafka producer starting ({1})", service, backends.kafkaBootstrap());
        int timeoutMs = (int) sendTimeout.toMillis();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, backends.kafkaBootstrap());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, service);
        // an ack means durable: every in-sync replica has it
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // retries never duplicate or reorder a record within a partition
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // concurrent sends share a request: wait up to kafka.lingermillis for company (5 ms, Kafka 4's
        // default; each request costs the broker and wakes the producer's thread), up to 64 KiB per batch
        props.put(ProducerConfig.LINGER_MS_CONFIG, backends.kafkaLingerMillis());
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        // give up (and answer "unavailable") when Kafka cannot take a record in time
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1000, timeoutMs / 2));
        // the sender hears "unavailable" after the send timeout, but the producer keeps the record and
        // keeps retrying for the retry window: a message already fanned out is stored once Kafka is
        // back, even if its sender never retries (a retry is deduplicated by the persister)
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                (int) Math.max(retryWindow.toMillis(), timeoutMs + 1));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
        try {
            // the topic's metadata now: a first send must not wait for it (and fail if Kafka stalls meanwhile)
            producer.partitionsFor(backends.messagesTopic());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: no metadata for {1} yet: {2}", service, backends.messagesTopic(),
                    e.getMessage());
        }
        LOG.log(System.Logger.Level.INFO, "{0}: kafka producer started", service);
        return new KafkaEventLog(producer, backends.messagesTopic(), sendTimeout, kafkaUp);
    }

    /**
     * Writes an event; completes when Kafka acknowledged it, fails if it cannot within the send
     * timeout (the producer still retries it in the background for the retry window).
     *
     * @param message the event at its position
     * @return completes with nothing on success
     */
    @Override
    public CompletableFuture<Void> append(ChannelEvent message) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, message.channelId().toString(), Json.encode(message)),
                    (metadata, error) -> {
                        // on the producer's I/O thread: only complete (and log), never block
                        boolean late = acknowledged.isDone(); // the sender was told "unavailable" already
                        if (error == null) {
                            acknowledged.complete(null);
                            if (late) {
                                LOG.log(System.Logger.Level.INFO, "{0} of channel {1} reached Kafka after its send timeout",
                                        describe(message), message.channelId());
                            }
                        } else {
                            acknowledged.completeExceptionally(error);
                            LOG.log(System.Logger.Level.WARNING, "{0} of channel {1} was not written to Kafka: {2}"
                                    + " (stored only if its sender retries)", describe(message), message.channelId(), error.toString());
                        }
                    });
        } catch (RuntimeException e) {
            acknowledged.completeExceptionally(e);
        }
        return deadlines.watch(acknowledged);
    }

    private static String describe(ChannelEvent event) {
        return switch (event) {
            case ChatMessage message -> "message " + message.messageId();
            case dev.chat.common.wire.MessageUpdated edit -> "the edit (seq " + edit.seq() + ") of message " + edit.messageId();
            case dev.chat.common.wire.MessageDeleted deletion -> "the deletion (seq " + deletion.seq() + ") of message "
                    + deletion.messageId();
            case dev.chat.common.wire.Reaction reaction -> "the reaction (seq " + reaction.seq() + ") to message "
                    + reaction.messageId();
        };
    }

    /**
     * @return whether the latest probe found Kafka (while not, sends are refused before fan-out);
     *         the probe, not the last write, decides, so a failed write cannot lock sends out
     */
    @Override
    public boolean healthy() {
        return kafkaUp.getAsBoolean();
    }

    @Override
    public void close() {
        LOG.log(System.Logger.Level.INFO, "kafka producer closing (flushing)");
        producer.close(Duration.ofSeconds(5));
        deadlines.close();
        LOG.log(System.Logger.Level.INFO, "kafka producer closed");
    }
}
