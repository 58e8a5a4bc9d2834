package dev.chat.common.feed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.chat.common.wire.ChannelEvent;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * One service's consumer loop on {@code chat-messages}: polls a batch, decodes and validates each
 * record once ({@link ChannelRecords}), hands the valid events to a {@link FeedHandler}, and
 * commits the offsets only after the handler succeeded.
 * <ul>
 *   <li>Poison (a record that is not a storable channel event) goes to the {@link DeadLetterSink}
 *       with its reason, and the partition carries on; so do records the handler returns as
 *       refused. Without a sink, poison is logged and skipped: only the persister's group parks
 *       records, since a second writer (the notifier) would park each of them twice.</li>
 *   <li>Retriable ({@link RetryLater} from the handler, or the sink failing): backs off (doubling
 *       up to a maximum) with the assigned partitions paused, polling so the group keeps this
 *       member and rewinding whatever such a poll returns, then hands over the same records;
 *       records of partitions revoked meanwhile are dropped (their new owner handles them) and
 *       never committed.</li>
 *   <li>Fatal (any other exception, Kafka authentication or authorization, an invalid group):
 *       stops the loop, {@link #running()} turns false and {@code onFatal} runs.</li>
 * </ul>
 * Commits are asynchronous after each batch and synchronous periodically, on revocation and on
 * close ({@link FeedCommits}). One thread: the feed's; it owns the consumer and closes it, and
 * {@link #close} (from any thread) wakes it.
 */
public final class ChannelFeed implements Runnable, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ChannelFeed.class.getName());
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    /** Longer than a handler's longest call (the persister waits up to 15 s for Cassandra). */
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(20);

    private final String name;
    private final Consumer<String, String> consumer;
    private final FeedSettings settings;
    private final FeedHandler handler;
    private final DeadLetterSink deadLetters;
    private final FeedMetrics metrics;
    private final Runnable onFatal;
    private final FeedCommits commits;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch closing = new CountDownLatch(1);
    /** Partitions revoked or lost since the current batch was polled (written inside poll, on the feed's thread). */
    private final Set<TopicPartition> revoked = new HashSet<>();
    private volatile boolean closed;
    private volatile boolean running;
    private volatile Thread thread;

    /**
     * @param name        the service, in logs and the thread's name
     * @param consumer    a consumer not yet subscribed (production: {@link MessageConsumers}); the feed owns it
     * @param settings    the topic and the back-off
     * @param handler     what is done with each batch
     * @param deadLetters where poison and refused records are parked, or null to log and skip them
     * @param metrics     told about batches, retries and dead letters
     * @param onFatal     run once when the loop stops on a fatal error (production: exit non-zero)
     */
    public ChannelFeed(String name, Consumer<String, String> consumer, FeedSettings settings, FeedHandler handler,
                       DeadLetterSink deadLetters, FeedMetrics metrics, Runnable onFatal) {
        this.name = name;
        this.consumer = consumer;
        this.settings = settings;
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.onFatal = onFatal;
        this.commits = new FeedCommits(consumer, name, settings.commitSyncInterval());
    }

    /** Starts the loop on its own thread. */
    public void start() {
        thread = Thread.ofPlatform().name(name + "-feed").start(this);
    }

    /** @return whether the loop is running (readiness) */
    public boolean running() {
        return running;
    }

    @Override
    public void run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException(name + ": the feed runs once");
        }
        running = true;
        try {
            consumer.subscribe(List.of(settings.topic()), new Rebalances());
            while (!closed) {
                ConsumerRecords<String, String> records = consumer.poll(POLL_TIMEOUT);
                if (!records.isEmpty()) {
                    handle(records);
                }
            }
        } catch (WakeupException e) {
            // close() was called
        } catch (InterruptedException | InterruptException e) {
            Thread.currentThread().interrupt();
        } catch (AuthenticationException | AuthorizationException | InvalidGroupIdException e) {
            fatal("fatal Kafka error", e);
        } catch (RuntimeException | Error e) {
            fatal("unexpected error", e);
        } finally {
            running = false;
            try {
                commits.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "{0}: the last commit failed ({1}); the next owner redoes those records",
                        name, e.toString());
            }
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "{0}: closing the consumer failed: {1}", name, e.toString());
            }
        }
    }

    private void fatal(String what, Throwable e) {
        LOG.log(System.Logger.Level.ERROR, name + ": " + what + ", stopping: " + e, e);
        running = false;
        onFatal.run();
    }

    /** One polled record: the event it holds, or why it can never be handled. */
    private record Polled(ConsumerRecord<String, String> record, ChannelEvent event, String poison) {

        static Polled of(ConsumerRecord<String, String> record) {
            try {
                return new Polled(record, ChannelRecords.validate(record), null);
            } catch (Poison e) {
                return new Polled(record, null, e.getMessage());
            }
        }

        TopicPartition partition() {
            return new TopicPartition(record.topic(), record.partition());
        }
    }

    private void handle(ConsumerRecords<String, String> records) throws InterruptedException {
        long start = System.nanoTime();
        revoked.clear();
        List<Polled> batch = new ArrayList<>(records.count());
        records.forEach(record -> batch.add(Polled.of(record)));
        Set<ConsumerRecord<String, String>> parked = Collections.newSetFromMap(new IdentityHashMap<>());
        Duration backoff = settings.firstBackoff();
        try {
            for (int attempt = 1; ; attempt++) {
                dropRevoked(batch);
                try {
                    attempt(batch, attempt, parked);
                    break;
                } catch (RetryLater e) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: handling {1} records failed ({2}); retrying in {3} ms",
                            name, batch.size(), e.getMessage(), backoff.toMillis());
                    metrics.retry();
                    consumer.pause(consumer.assignment());
                    if (closing.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                        return; // closed: not committed, so the batch is read again (by the next owner)
                    }
                    keepMembership();
                    backoff = backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff()
                            : backoff.multipliedBy(2);
                }
            }
        } finally {
            // only partitions still assigned: a paused one may have been revoked meanwhile
            Set<TopicPartition> resume = new HashSet<>(consumer.paused());
            resume.retainAll(consumer.assignment());
            consumer.resume(resume);
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        batch.forEach(polled -> offsets.merge(polled.partition(), new OffsetAndMetadata(polled.record().offset() + 1),
                (a, b) -> a.offset() >= b.offset() ? a : b));
        commits.handled(offsets);
        metrics.batch(batch.size(), Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Parks the batch's poison, hands its valid events to the handler and parks what it refused.
     *
     * @throws RetryLater if the handler or the dead-letter sink failed for now
     */
    private void attempt(List<Polled> batch, int attempt, Set<ConsumerRecord<String, String>> parked)
            throws RetryLater, InterruptedException {
        List<FeedRecord> valid = new ArrayList<>(batch.size());
        for (Polled polled : batch) {
            if (polled.poison() != null) {
                park(new DeadLetter(polled.record(), polled.poison()), parked);
            } else {
                valid.add(new FeedRecord(polled.record(), polled.event()));
            }
        }
        if (valid.isEmpty()) {
            return;
        }
        List<DeadLetter> refused = handler.handle(Collections.unmodifiableList(valid), attempt);
        if (refused != null) {
            for (DeadLetter letter : refused) {
                park(letter, parked);
            }
        }
    }

    /** Parks a record once per batch (at least once: a failure retries the batch). */
    private void park(DeadLetter letter, Set<ConsumerRecord<String, String>> parked) throws RetryLater, InterruptedException {
        ConsumerRecord<String, String> record = letter.record();
        if (parked.contains(record)) {
            return;
        }
        if (deadLetters == null) {
            LOG.log(System.Logger.Level.WARNING, "{0}: skipped {1}/{2}@{3}: {4}",
                    name, record.topic(), record.partition(), record.offset(), letter.reason());
        } else {
            try {
                deadLetters.park(letter);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                throw new RetryLater("the dead-letter topic did not take a record: " + e);
            }
            metrics.deadLettered();
            LOG.log(System.Logger.Level.WARNING, "{0}: parked {1}/{2}@{3} on the dead-letter topic: {4}",
                    name, record.topic(), record.partition(), record.offset(), letter.reason());
        }
        parked.add(record);
    }

    /**
     * Drops the records of partitions revoked since the batch was polled: their new owner handles
     * them. If such a partition came back to this member, it is rewound to the first dropped record,
     * so nothing is skipped whatever position the reassignment left.
     */
    private void dropRevoked(List<Polled> batch) {
        if (revoked.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> firstDropped = new HashMap<>();
        batch.removeIf(polled -> {
            if (!revoked.contains(polled.partition())) {
                return false;
            }
            firstDropped.merge(polled.partition(), polled.record().offset(), Math::min);
            return true;
        });
        Set<TopicPartition> assigned = consumer.assignment();
        firstDropped.forEach((partition, offset) -> {
            if (assigned.contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
    }

    /**
     * Polls while every partition is paused, so the group keeps this member; a partition assigned
     * in that poll (a rebalance) is paused too, and records it returned are rewound, never dropped.
     */
    private void keepMembership() {
        ConsumerRecords<String, String> unexpected = consumer.poll(Duration.ZERO);
        Map<TopicPartition, Long> rewind = new HashMap<>();
        unexpected.forEach(record -> rewind.merge(new TopicPartition(record.topic(), record.partition()), record.offset(),
                Math::min));
        rewind.forEach(consumer::seek);
        consumer.pause(consumer.assignment());
    }

    /** Runs inside poll, on the feed's thread. */
    private final class Rebalances implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            LOG.log(System.Logger.Level.INFO, "{0}: partitions revoked: {1}", name, partitions);
            commits.revoked(partitions);
            revoked.addAll(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            LOG.log(System.Logger.Level.INFO, "{0}: partitions lost: {1}", name, partitions);
            commits.lost(partitions);
            revoked.addAll(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.log(System.Logger.Level.INFO, "{0}: partitions assigned: {1}", name, partitions);
        }
    }

    /** Stops the loop: wakes the consumer, ends a back-off, and waits for the thread to commit and close. */
    @Override
    public void close() {
        closed = true;
        closing.countDown();
        if (started.compareAndSet(false, true)) {
            consumer.close(Duration.ofSeconds(5)); // never ran: nothing to commit
            return;
        }
        consumer.wakeup();
        Thread running = thread;
        if (running != null && running != Thread.currentThread()) {
            try {
                running.join(JOIN_TIMEOUT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
