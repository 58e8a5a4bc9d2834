package dev.chat.persister;

import java.time.Duration;
import java.util.function.Supplier;

import dev.chat.common.feed.FeedMetrics;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Timer;

/**
 * The persister's meters: records stored and skipped as duplicates, batch latency, retries,
 * dead-lettered records and consumer lag. Thread-safe.
 */
final class PersisterMetrics implements FeedMetrics {

    private final MeterRegistry registry;
    private final Counter stored;
    private final Counter duplicates;
    private final Counter retries;
    private final Counter deadLettered;
    private final Counter records;
    private final Timer batches;

    PersisterMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.stored = counter("chat.persister.stored", "messages written to Cassandra");
        this.duplicates = counter("chat.persister.duplicates", "messages skipped: another message_id holds the send");
        this.retries = counter("chat.persister.retries", "batches retried after a Cassandra failure");
        this.deadLettered = counter("chat.persister.dead.lettered", "records parked on the dead-letter topic");
        this.records = counter("chat.persister.records", "records consumed and committed");
        this.batches = registry.getOrCreate(Timer.builder("chat.persister.batch")
                .description("time to store and commit one poll's batch").percentiles(0.5, 0.99));
    }

    void lag(Supplier<Double> lag) {
        registry.getOrCreate(Gauge.builder("chat.persister.lag", lag).description("records-lag-max of the consumer"));
    }

    void stored(long written, long skipped) {
        stored.increment(written);
        duplicates.increment(skipped);
    }

    @Override
    public void retry() {
        retries.increment();
    }

    @Override
    public void deadLettered() {
        deadLettered.increment();
    }

    @Override
    public void batch(int count, Duration took) {
        records.increment(count);
        batches.record(took);
    }

    private Counter counter(String name, String description) {
        return registry.getOrCreate(Counter.builder(name).description(description));
    }
}
