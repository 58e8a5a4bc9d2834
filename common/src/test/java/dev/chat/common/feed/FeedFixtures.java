package dev.chat.common.feed;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import dev.chat.common.store.TimeUuids;
import dev.chat.common.wire.ChatMessage;
import dev.chat.common.wire.Json;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Records, a scripted handler, a fake dead-letter sink and counting metrics for the feed's tests. */
final class FeedFixtures {

    static final TimeUuids IDS = new TimeUuids();
    static final UUID CHANNEL = UUID.randomUUID();
    static final Duration WAIT = Duration.ofSeconds(5);

    private FeedFixtures() {
    }

    /** Fast back-off, asynchronous commits (no synchronous one due within a test). */
    static FeedSettings settings(String topic) {
        return new FeedSettings(topic, "test-group", 100, 1, Duration.ZERO, Duration.ofHours(1),
                Duration.ofMillis(1), Duration.ofMillis(4));
    }

    static ConsumerRecord<String, String> message(TopicPartition partition, long offset) {
        ChatMessage message = new ChatMessage(CHANNEL, IDS.next(), 7L, "client-" + offset, "hello " + offset, "text",
                Instant.now(), offset + 1, "e1");
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, CHANNEL.toString(), Json.encode(message));
    }

    static ConsumerRecord<String, String> poison(TopicPartition partition, long offset) {
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, CHANNEL.toString(), "{\"not\": \"json\"");
    }

    /** @return the committed offset of the partition, or -1 if none */
    static long committed(MockConsumer<String, String> consumer, TopicPartition partition) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(java.util.Set.of(partition));
        OffsetAndMetadata offset = committed.get(partition);
        return offset == null ? -1 : offset.offset();
    }

    /** Waits (bounded) until the condition holds. */
    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.onSpinWait();
        }
    }

    /** @return "partition@offset" of each record */
    static List<String> positions(List<FeedRecord> batch) {
        return batch.stream().map(r -> r.record().partition() + "@" + r.offset()).toList();
    }

    /** One step of a scripted handler. */
    interface Step {
        List<DeadLetter> run(List<FeedRecord> batch) throws RetryLater;
    }

    /** Follows its script, one step per call (then succeeds), and remembers what it was given. */
    static final class ScriptedHandler implements FeedHandler {
        final Queue<Step> script = new ConcurrentLinkedQueue<>();
        final List<List<String>> calls = new CopyOnWriteArrayList<>();
        final List<Integer> attempts = new CopyOnWriteArrayList<>();
        /** What the test wants to know at each call (read on the feed's thread). */
        final List<Object> observed = new CopyOnWriteArrayList<>();
        volatile java.util.function.Supplier<Object> observe = () -> null;

        ScriptedHandler then(Step step) {
            script.add(step);
            return this;
        }

        @Override
        public List<DeadLetter> handle(List<FeedRecord> batch, int attempt) throws RetryLater {
            calls.add(positions(batch));
            attempts.add(attempt);
            observed.add(observe.get());
            Step step = script.poll();
            return step == null ? List.of() : step.run(batch);
        }
    }

    /** Keeps what is parked; fails as many times as told first. */
    static final class FakeSink implements DeadLetterSink {
        final List<DeadLetter> parked = new CopyOnWriteArrayList<>();
        final AtomicInteger failuresLeft = new AtomicInteger();
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public void park(DeadLetter letter) throws Exception {
            calls.incrementAndGet();
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new java.io.IOException("dead-letter topic unavailable");
            }
            parked.add(letter);
        }
    }

    /** Counts what the feed reports. */
    static final class CountingMetrics implements FeedMetrics {
        final AtomicInteger batches = new AtomicInteger();
        final AtomicInteger records = new AtomicInteger();
        final AtomicInteger retries = new AtomicInteger();
        final AtomicInteger deadLettered = new AtomicInteger();

        @Override
        public void batch(int count, Duration took) {
            batches.incrementAndGet();
            records.addAndGet(count);
        }

        @Override
        public void retry() {
            retries.incrementAndGet();
        }

        @Override
        public void deadLettered() {
            deadLettered.incrementAndGet();
        }
    }
}
