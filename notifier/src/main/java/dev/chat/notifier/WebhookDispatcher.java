package dev.chat.notifier;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.chat.common.outbound.OutboundTargets;

/**
 * Delivers the webhook outbox. Every poll interval (or when woken after a Kafka batch) it finds
 * webhooks whose oldest event is due, leases each to this notifier and drains it on a virtual
 * thread of its own, oldest event first: a slow or failing endpoint holds up only its own queue,
 * never the Kafka stream or the other webhooks. A failed attempt (no answer, a non-2xx status, a
 * target no longer allowed) waits an exponential back-off with jitter; an event still undelivered
 * after the retry window disables its webhook, as does a queue longer than the limit. At least
 * once: an event leaves the queue only after a 2xx; a crash between the 2xx and marking it
 * delivered sends it again with the same {@code webhook-id}. Thread-safe.
 */
final class WebhookDispatcher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(WebhookDispatcher.class.getName());
    private static final Duration OVERFLOW_CHECK = Duration.ofSeconds(30);

    private final WebhookOutbox outbox;
    private final NotifierSettings settings;
    private final OutboundTargets targets;
    private final NotifierMetrics metrics;
    private final String owner = "notifier-" + UUID.randomUUID();
    private final HttpClient http;
    private final Set<UUID> active = ConcurrentHashMap.newKeySet();
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("webhook-dispatcher").daemon().factory());
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private volatile long lastOverflowCheck;
    private volatile boolean closing;

    WebhookDispatcher(WebhookOutbox outbox, NotifierSettings settings, OutboundTargets targets, NotifierMetrics metrics) {
        this.outbox = outbox;
        this.settings = settings;
        this.targets = targets;
        this.metrics = metrics;
        // never follow redirects: a public URL could redirect into the private network
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        long poll = settings.pollInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::dispatch, poll, poll, TimeUnit.MILLISECONDS);
    }

    /** Looks for due events now (new events were just queued). */
    void wake() {
        if (!closing && wakeQueued.compareAndSet(false, true)) {
            scheduler.execute(() -> {
                wakeQueued.set(false);
                dispatch();
            });
        }
    }

    private void dispatch() {
        try {
            disableOverflowing();
            int free = settings.concurrency() - active.size();
            if (free <= 0) {
                return;
            }
            for (UUID webhook : outbox.due(owner, free + active.size())) {
                if (active.size() < settings.concurrency() && active.add(webhook)) {
                    workers.execute(() -> drain(webhook));
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "webhooks: cannot read the outbox: {0}", e.getMessage());
        }
    }

    private void disableOverflowing() throws SQLException {
        long now = System.nanoTime();
        if (now - lastOverflowCheck < OVERFLOW_CHECK.toNanos()) {
            return;
        }
        lastOverflowCheck = now;
        outbox.forgetDelivered();
        for (UUID webhook : outbox.overflowing(settings.maxPending())) {
            LOG.log(System.Logger.Level.WARNING, "webhook {0}: more than {1} events waiting, disabled", webhook, settings.maxPending());
            outbox.disable(webhook, "more than " + settings.maxPending() + " events waiting (notifier.webhookmaxpending)");
            metrics.webhookDisabled();
        }
    }

    /** Delivers one webhook's due events in order while this notifier holds its lease. */
    private void drain(UUID webhookId) {
        try {
            while (!closing) {
                Optional<WebhookOutbox.Target> target = outbox.lease(webhookId, owner, settings.lease());
                Optional<WebhookOutbox.Pending> head = target.isEmpty() ? Optional.empty() : outbox.head(webhookId);
                if (head.isEmpty() || head.get().nextAttempt().isAfter(Instant.now())) {
                    break;
                }
                deliver(target.get(), head.get());
            }
        } catch (SQLException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "webhook {0}: delivery interrupted: {1}", webhookId, e.getMessage());
        } finally {
            try {
                outbox.release(webhookId, owner);
            } catch (SQLException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "webhook {0}: lease not released (it expires): {1}", webhookId, e.getMessage());
            }
            active.remove(webhookId);
        }
    }

    private void deliver(WebhookOutbox.Target target, WebhookOutbox.Pending event) throws SQLException {
        long started = System.nanoTime();
        Integer status = null;
        String error;
        try {
            URI uri = targets.check(target.url());
            long timestamp = Instant.now().getEpochSecond();
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(settings.webhookTimeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "chat-notifier")
                    .header("webhook-id", event.eventId())
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .header("webhook-signature", WebhookSigner.sign(target.secret(), event.eventId(), timestamp, event.payload()))
                    .POST(HttpRequest.BodyPublishers.ofString(event.payload()))
                    .build();
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            status = response.statusCode();
            error = status / 100 == 2 ? null : "answered " + status;
        } catch (OutboundTargets.Refused e) {
            error = "target refused: " + e.getMessage();
        } catch (java.io.IOException e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
        long duration = Duration.ofNanos(System.nanoTime() - started).toMillis();
        if (error == null) {
            outbox.delivered(target.id(), event, status, duration);
            metrics.webhookDelivered(duration);
            return;
        }
        metrics.webhookFailed();
        if (event.queuedAt().plus(settings.retryWindow()).isBefore(Instant.now())) {
            outbox.failed(target.id(), event, status, error, duration, Instant.now());
            String reason = "event " + event.eventId() + " not delivered within " + settings.retryWindow() + "; last attempt: " + error;
            LOG.log(System.Logger.Level.WARNING, "webhook {0} disabled: {1}", target.id(), reason);
            outbox.disable(target.id(), reason);
            metrics.webhookDisabled();
            return;
        }
        outbox.failed(target.id(), event, status, error, duration, Instant.now().plus(backoff(event.attempts() + 1)));
    }

    /** @return the wait after the n-th failed attempt: doubling from the first retry, capped, with jitter (50-100 %) */
    Duration backoff(int failures) {
        long base = settings.firstRetry().toMillis() << Math.min(failures - 1, 30);
        long capped = Math.min(base <= 0 ? Long.MAX_VALUE : base, settings.maxRetry().toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    @Override
    public void close() {
        closing = true;
        scheduler.shutdownNow();
        workers.shutdown();
        try {
            workers.awaitTermination(settings.webhookTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
        http.close();
    }
}
