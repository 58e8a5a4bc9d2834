package dev.chat.api;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbRow;

/**
 * PostgreSQL access for the webhooks of channels (named statements in application.yaml). The
 * notifier reads the same tables to deliver. Thread-safe.
 */
final class WebhookStore {

    private final DbClient db;

    WebhookStore(DbClient db) {
        this.db = db;
    }

    /**
     * A webhook as listed (never its secret).
     *
     * @param id             its id
     * @param url            where events go
     * @param events         what it subscribed to
     * @param createdAt      when it was created
     * @param disabledAt     when deliveries stopped for good, if they did
     * @param disabledReason why
     * @param pending        events waiting to be delivered
     */
    record Webhook(UUID id, String url, List<String> events, Instant createdAt, Instant disabledAt, String disabledReason,
                   long pending) {
    }

    /**
     * One delivery attempt.
     *
     * @param eventId    the event
     * @param attempt    1 for the first try
     * @param status     the HTTP status answered, null when there was none
     * @param error      what went wrong, null on success
     * @param durationMs how long it took
     * @param at         when
     */
    record Delivery(String eventId, int attempt, Integer status, String error, int durationMs, Instant at) {
    }

    /** @return the new webhook's id and creation time */
    Webhook insert(UUID channelId, String url, List<String> events, String secret, long createdBy) {
        DbRow row = db.execute().namedGet("insert-webhook", channelId, url, "{" + String.join(",", events) + "}",
                secret, createdBy).orElseThrow();
        return new Webhook(ChannelStore.uuid(row, "id"), url, events, ChannelStore.instant(row.column("created_at").get()),
                null, null, 0);
    }

    long count(UUID channelId) {
        return db.execute().namedGet("count-webhooks", channelId).map(row -> row.column("n").get(Long.class)).orElse(0L);
    }

    List<Webhook> ofChannel(UUID channelId) {
        return db.execute().namedQuery("webhooks-of-channel", channelId).map(row -> new Webhook(
                ChannelStore.uuid(row, "id"), row.column("url").get(String.class),
                Arrays.asList(row.column("events").get(String.class).split(",")),
                ChannelStore.instant(row.column("created_at").get()),
                row.column("disabled_at").asOptional().map(ChannelStore::instant).orElse(null),
                row.column("disabled_reason").asOptional().map(String.class::cast).orElse(null),
                row.column("pending").get(Long.class))).toList();
    }

    boolean exists(UUID channelId, UUID webhookId) {
        return db.execute().namedGet("webhook-of-channel", webhookId, channelId).isPresent();
    }

    boolean delete(UUID channelId, UUID webhookId) {
        return db.execute().namedDelete("delete-webhook", webhookId, channelId) > 0;
    }

    List<Delivery> deliveries(UUID webhookId) {
        return db.execute().namedQuery("webhook-deliveries", webhookId).map(row -> new Delivery(
                row.column("event_id").get(String.class), row.column("attempt").get(Integer.class),
                row.column("status").asOptional().map(value -> ((Number) value).intValue()).orElse(null),
                row.column("error").asOptional().map(String.class::cast).orElse(null),
                row.column("duration_ms").get(Integer.class), ChannelStore.instant(row.column("at").get()))).toList();
    }
}
