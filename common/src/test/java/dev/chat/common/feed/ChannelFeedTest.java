package dev.chat.common.feed;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.chat.common.feed.FeedFixtures.await;
import static dev.chat.common.feed.FeedFixtures.committed;
import static dev.chat.common.feed.FeedFixtures.message;
import static dev.chat.common.feed.FeedFixtures.poison;
import static dev.chat.common.feed.FeedFixtures.settings;
import static org.assertj.core.api.Assertions.assertThat;

class ChannelFeedTest {

    private final FeedFixtures.ScriptedHandler handler = new FeedFixtures.ScriptedHandler();
    private final FeedFixtures.FakeSink sink = new FeedFixtures.FakeSink();
    private final FeedFixtures.CountingMetrics metrics = new FeedFixtures.CountingMetrics();
    private final CountDownLatch fatal = new CountDownLatch(1);
    private ChannelFeed feed;

    @AfterEach
    void close() {
        if (feed != null) {
            feed.close();
        }
    }

    private MockConsumer<String, String> consumer(TopicPartition... partitions) {
        MockConsumer<String, String> consumer = new CountingConsumer();
        for (TopicPartition partition : partitions) {
            consumer.updateBeginningOffsets(Map.of(partition, 0L));
        }
        return consumer;
    }

    private void start(MockConsumer<String, String> consumer, String topic, DeadLetterSink deadLetters) {
        feed = new ChannelFeed("test", consumer, settings(topic), handler, deadLetters, metrics, fatal::countDown);
        feed.start();
    }

    @Test
    void poisonRecordGoesToTheDeadLetterSinkAndTheRecordsAfterItAreHandledAndCommitted() {
        TopicPartition p0 = new TopicPartition("feed-poison", 0);
        MockConsumer<String, String> consumer = consumer(p0);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(p0));
            consumer.addRecord(message(p0, 0));
            consumer.addRecord(poison(p0, 1));
            consumer.addRecord(message(p0, 2));
        });
        start(consumer, p0.topic(), sink);

        await(() -> committed(consumer, p0) == 3, "the batch is committed");
        assertThat(handler.calls).containsExactly(List.of("0@0", "0@2"));
        assertThat(sink.parked).hasSize(1);
        assertThat(sink.parked.getFirst().record().offset()).isEqualTo(1);
        assertThat(sink.parked.getFirst().reason()).startsWith("not a chat message");
        assertThat(metrics.deadLettered).hasValue(1);
        assertThat(metrics.records).hasValue(3);
        assertThat(fatal.getCount()).isEqualTo(1);
    }

    @Test
    void withoutADeadLetterSinkPoisonIsSkippedAndTheStreamCarriesOn() {
        TopicPartition p0 = new TopicPartition("feed-no-sink", 0);
        MockConsumer<String, String> consumer = consumer(p0);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(p0));
            consumer.addRecord(poison(p0, 0));
            consumer.addRecord(message(p0, 1));
        });
        start(consumer, p0.topic(), null);

        await(() -> committed(consumer, p0) == 2, "the batch is committed");
        assertThat(handler.calls).containsExactly(List.of("0@1"));
        assertThat(metrics.deadLettered).hasValue(0);
    }

    @Test
    void retriableFailureReplaysExactlyTheSameRecordsPausedAndCommitsOnlyOnceItSucceeds() {
        TopicPartition p0 = new TopicPartition("feed-retry", 0);
        MockConsumer<String, String> consumer = consumer(p0);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(p0));
            for (int offset = 0; offset < 3; offset++) {
                consumer.addRecord(message(p0, offset));
            }
        });
        handler.observe = () -> committed(consumer, p0) + (consumer.paused().contains(p0) ? " paused" : " flowing");
        handler.then(batch -> {
            throw new RetryLater("store away");
        }).then(batch -> {
            throw new RetryLater("store still away");
        });
        start(consumer, p0.topic(), sink);

        await(() -> committed(consumer, p0) == 3, "the batch is committed");
        assertThat(handler.calls).containsExactly(List.of("0@0", "0@1", "0@2"), List.of("0@0", "0@1", "0@2"),
                List.of("0@0", "0@1", "0@2"));
        assertThat(handler.attempts).containsExactly(1, 2, 3);
        assertThat(handler.observed).as("nothing committed before success; paused while retrying")
                .containsExactly("-1 flowing", "-1 paused", "-1 paused");
        assertThat(metrics.retries).hasValue(2);
        assertThat(metrics.batches).hasValue(1);
        await(() -> consumer.paused().isEmpty(), "the partition is resumed");
    }

    @Test
    void recordsOfAPartitionRevokedDuringARetryAreDroppedAndNeverCommitted() {
        TopicPartition p0 = new TopicPartition("feed-revoke", 0);
        TopicPartition p1 = new TopicPartition("feed-revoke", 1);
        MockConsumer<String, String> consumer = consumer(p0, p1);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(p0, p1));
            consumer.addRecord(message(p0, 0));
            consumer.addRecord(message(p0, 1));
            consumer.addRecord(message(p1, 0));
            consumer.addRecord(message(p1, 1));
        });
        // the poll that keeps the membership while the batch backs off: p0 moves to another member
        consumer.schedulePollTask(() -> consumer.rebalance(List.of(p1)));
        handler.then(batch -> {
            throw new RetryLater("store away");
        });
        start(consumer, p0.topic(), sink);

        await(() -> committed(consumer, p1) == 2, "p1's records are committed");
        assertThat(handler.calls).hasSize(2);
        assertThat(handler.calls.get(0)).containsExactlyInAnyOrder("0@0", "0@1", "1@0", "1@1");
        assertThat(handler.calls.get(1)).as("the retry without the revoked partition").containsExactly("1@0", "1@1");
        assertThat(committed(consumer, p0)).as("p0's records belong to its new owner").isEqualTo(-1);
    }

    @Test
    void fatalFailureStopsTheLoopCallsOnFatalAndCommitsNothing() throws Exception {
        TopicPartition p0 = new TopicPartition("feed-fatal", 0);
        MockConsumer<String, String> consumer = consumer(p0);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(p0));
            consumer.addRecord(message(p0, 0));
        });
        handler.then(batch -> {
            throw new IllegalStateException("the table is gone");
        });
        start(consumer, p0.topic(), sink);

        assertThat(fatal.await(FeedFixtures.WAIT.toSeconds(), TimeUnit.SECONDS)).as("onFatal ran").isTrue();
        assertThat(feed.running()).isFalse();
        await(consumer::closed, "the consumer is closed");
        assertThat(((CountingConsumer) consumer).committedOffsets).isEmpty();
        assertThat(handler.calls).hasSize(1);
    }

    @Test
    void kafkaAuthorizationFailureIsFatal() throws Exception {
        TopicPartition p0 = new TopicPartition("feed-authorization", 0);
        MockConsumer<String, String> consumer = consumer(p0);
        consumer.setPollException(new AuthorizationException("not allowed to read feed-authorization"));
        start(consumer, p0.topic(), sink);

        assertThat(fatal.await(FeedFixtures.WAIT.toSeconds(), TimeUnit.SECONDS)).as("onFatal ran").isTrue();
        assertThat(feed.running()).isFalse();
    }

    @Test
    void deadLetterFailureIsRetriedAndNothingIsCommittedUntilTheRecordIsParked() {
        TopicPartition p0 = new TopicPartition("feed-dlq-down", 0);
        MockConsumer<String, String> consumer = consumer(p0);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(p0));
            consumer.addRecord(poison(p0, 0));
            consumer.addRecord(message(p0, 1));
        });
        sink.failuresLeft.set(2);
        start(consumer, p0.topic(), sink);

        await(() -> committed(consumer, p0) == 2, "the batch is committed");
        assertThat(sink.calls).hasValue(3);
        assertThat(sink.parked).extracting(letter -> letter.record().offset()).containsExactly(0L);
        assertThat(metrics.retries).hasValue(2);
        assertThat(((CountingConsumer) consumer).committedOffsets).as("one commit, after the record was parked")
                .containsExactly(2L);
        assertThat(handler.calls).containsExactly(List.of("0@1"));
    }

    @Test
    void recordsTheHandlerRefusesAreParkedOnceAndCommittedWithTheRest() {
        TopicPartition p0 = new TopicPartition("feed-refused", 0);
        MockConsumer<String, String> consumer = consumer(p0);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(p0));
            consumer.addRecord(message(p0, 0));
            consumer.addRecord(message(p0, 1));
        });
        handler.then(batch -> List.of(new DeadLetter(batch.get(1).record(), "refused by the store")));
        start(consumer, p0.topic(), sink);

        await(() -> committed(consumer, p0) == 2, "the batch is committed");
        assertThat(sink.parked).singleElement().satisfies(letter -> {
            assertThat(letter.record().offset()).isEqualTo(1);
            assertThat(letter.reason()).isEqualTo("refused by the store");
        });
    }

    @Test
    void batchesCommitAsynchronouslyAndRevocationCommitsWhatWasHandledSynchronously() {
        TopicPartition p0 = new TopicPartition("feed-commits", 0);
        CountingConsumer consumer = (CountingConsumer) consumer(p0);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(p0));
            consumer.addRecord(message(p0, 0));
        });
        consumer.schedulePollTask(() -> consumer.addRecord(message(p0, 1)));
        start(consumer, p0.topic(), sink);
        await(() -> committed(consumer, p0) == 2, "both batches are committed");
        assertThat(consumer.asyncCommits).hasValue(2);
        assertThat(consumer.syncCommits).hasValue(0);

        consumer.schedulePollTask(() -> consumer.rebalance(List.of()));
        await(() -> consumer.syncCommits.get() == 1, "the revocation commits synchronously");
        assertThat(consumer.committedOffsets.getLast()).isEqualTo(2L);
    }

    @Test
    void aSynchronousCommitIsMadeOnceTheIntervalHasPassed() {
        TopicPartition p0 = new TopicPartition("feed-sync-interval", 0);
        CountingConsumer consumer = (CountingConsumer) consumer(p0);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(p0));
            consumer.addRecord(message(p0, 0));
        });
        feed = new ChannelFeed("test", consumer, new FeedSettings(p0.topic(), "test-group", 100, 1, Duration.ZERO,
                Duration.ofNanos(1), Duration.ofMillis(1), Duration.ofMillis(1)), handler, sink, metrics, fatal::countDown);
        feed.start();

        await(() -> committed(consumer, p0) == 1, "the batch is committed");
        assertThat(consumer.syncCommits).hasValue(1);
        assertThat(consumer.asyncCommits).hasValue(0);
    }

    @Test
    void closeDuringABackOffReturnsPromptlyCommitsNothingOfTheBatchAndClosesTheConsumer() {
        TopicPartition p0 = new TopicPartition("feed-close", 0);
        CountingConsumer consumer = (CountingConsumer) consumer(p0);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(p0));
            consumer.addRecord(message(p0, 0));
        });
        AtomicInteger failures = new AtomicInteger();
        for (int i = 0; i < 10; i++) {
            handler.then(batch -> {
                failures.incrementAndGet();
                throw new RetryLater("store away");
            });
        }
        feed = new ChannelFeed("test", consumer, new FeedSettings(p0.topic(), "test-group", 100, 1, Duration.ZERO,
                Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofMinutes(1)), handler, sink, metrics, fatal::countDown);
        feed.start();
        await(() -> failures.get() == 1, "the first attempt failed");

        long start = System.nanoTime();
        feed.close();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(consumer.closed()).isTrue();
        assertThat(consumer.committedOffsets).isEmpty();
        assertThat(fatal.getCount()).as("a close is not fatal").isEqualTo(1);
    }

    /** Kafka's MockConsumer, counting synchronous and asynchronous commits. */
    static final class CountingConsumer extends MockConsumer<String, String> {
        final AtomicInteger syncCommits = new AtomicInteger();
        final AtomicInteger asyncCommits = new AtomicInteger();
        final List<Long> committedOffsets = new java.util.concurrent.CopyOnWriteArrayList<>();

        CountingConsumer() {
            super("earliest");
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            syncCommits.incrementAndGet();
            committedOffsets.addAll(offsets.values().stream().map(OffsetAndMetadata::offset).toList());
            super.commitAsync(offsets, null);
        }

        @Override
        public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
            asyncCommits.incrementAndGet();
            committedOffsets.addAll(offsets.values().stream().map(OffsetAndMetadata::offset).toList());
            super.commitAsync(offsets, callback);
        }
    }
}
