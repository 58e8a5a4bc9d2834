package dev.chat.notifier;

import java.time.Duration;

import dev.chat.common.feed.FeedMetrics;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Timer;

/**
 * The notifier's meters: consumer lag, records read, webhook events queued, deliveries (with their latency),
 * failed attempts and disabled webhooks, push notifications sent, skipped and failed. Thread-safe.
 */
final class NotifierMetrics implements FeedMetrics {

    private final Counter records;
    private final Counter queued;
    private final Counter failed;
    private final Counter disabled;
    private final Counter pushed;
    private final Counter pushSkipped;
    private final Counter pushFailed;
    private final Timer delivered;
    private final MeterRegistry registry;

    NotifierMetrics(MeterRegistry registry) {
        this.registry = registry;
        records = registry.getOrCreate(Counter.builder("chat.notifier.records").description("chat-messages records read"));
        queued = registry.getOrCreate(Counter.builder("chat.notifier.webhook.queued").description("webhook events queued"));
        failed = registry.getOrCreate(Counter.builder("chat.notifier.webhook.failed").description("failed delivery attempts"));
        disabled = registry.getOrCreate(Counter.builder("chat.notifier.webhook.disabled").description("webhooks disabled"));
        pushed = registry.getOrCreate(Counter.builder("chat.notifier.push.sent").description("push notifications accepted"));
        pushSkipped = registry.getOrCreate(Counter.builder("chat.notifier.push.collapsed")
                .description("push notifications not sent: one went to the member for the channel shortly before"));
        pushFailed = registry.getOrCreate(Counter.builder("chat.notifier.push.failed").description("push notifications refused or lost"));
        delivered = registry.getOrCreate(Timer.builder("chat.notifier.webhook.delivered")
                .description("successful deliveries and how long each took").percentiles(0.5, 0.99));
    }

    /** @param lag the consumer's records-lag-max, read at each scrape */
    void lag(java.util.function.Supplier<Double> lag) {
        registry.getOrCreate(io.helidon.metrics.api.Gauge.builder("chat.notifier.lag", lag)
                .description("records-lag-max of the consumer"));
    }

    @Override
    public void batch(int count, Duration took) {
        records.increment(count);
    }

    void queued(int count) {
        queued.increment(count);
    }

    void webhookDelivered(long millis) {
        delivered.record(Duration.ofMillis(millis));
    }

    void webhookFailed() {
        failed.increment();
    }

    void webhookDisabled() {
        disabled.increment();
    }

    void pushed() {
        pushed.increment();
    }

    void pushCollapsed() {
        pushSkipped.increment();
    }

    void pushFailed() {
        pushFailed.increment();
    }
}
