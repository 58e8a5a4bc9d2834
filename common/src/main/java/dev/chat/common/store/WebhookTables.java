package dev.chat.common.store;

/**
 * The SQL of {@code webhooks}, {@code webhook_outbox} and {@code webhook_deliveries} that the
 * notifier runs: queuing message events, leasing a webhook to one notifier, recording attempts. The
 * api creates, lists and deletes webhooks and queues member events with the DbClient named
 * statements in {@code config/api/application.yaml} ({@code insert-webhook} …
 * {@code enqueue-webhook-event}). Schema: {@code config/sql}.
 */
public final class WebhookTables {

    /** Which of the channels have an active webhook: binds an array of channel ids. */
    public static final String CHANNELS_WITH_WEBHOOKS =
            "SELECT DISTINCT channel_id FROM webhooks WHERE channel_id = ANY(?) AND disabled_at IS NULL";

    /**
     * Queues an event for every active webhook of its channel that subscribed to its type and existed
     * when it happened (2 s of clock skew allowed), once per event id: binds event id, type, payload,
     * channel, type, time.
     */
    public static final String ENQUEUE_MESSAGE_EVENT = "INSERT INTO webhook_outbox (webhook_id, event_id, event_type, payload) "
            + "SELECT id, ?, ?, ? FROM webhooks WHERE channel_id = ? AND disabled_at IS NULL "
            + "AND ? = ANY(events) AND created_at <= CAST(? AS timestamptz) + interval '2 seconds' "
            + "ON CONFLICT (webhook_id, event_id) DO NOTHING";

    /** Active webhooks whose oldest event is due and not leased by another notifier: binds owner, limit. */
    public static final String DUE = "SELECT w.id FROM webhooks w WHERE w.disabled_at IS NULL "
            + "AND (w.lease_until IS NULL OR w.lease_until < now() OR w.lease_owner = ?) "
            + "AND (SELECT o.next_attempt_at FROM webhook_outbox o WHERE o.webhook_id = w.id "
            + "AND o.delivered_at IS NULL ORDER BY o.id LIMIT 1) <= now() LIMIT ?";

    /** Takes or renews a webhook's lease: binds owner, lease millis, webhook, owner; returns url and secret. */
    public static final String LEASE = "UPDATE webhooks SET lease_owner = ?, lease_until = now() + ? * interval '1 millisecond' "
            + "WHERE id = ? AND disabled_at IS NULL "
            + "AND (lease_until IS NULL OR lease_until < now() OR lease_owner = ?) RETURNING url, secret";

    /** Gives a lease back: binds webhook, owner. */
    public static final String RELEASE =
            "UPDATE webhooks SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?";

    /** A webhook's oldest queued event. */
    public static final String HEAD =
            "SELECT id, event_id, event_type, payload, created_at, attempts, next_attempt_at FROM webhook_outbox "
                    + "WHERE webhook_id = ? AND delivered_at IS NULL ORDER BY id LIMIT 1";

    /** An event delivered (its row is kept a while, so reading it again does not queue it again). */
    public static final String MARK_DELIVERED = "UPDATE webhook_outbox SET delivered_at = now() WHERE id = ?";

    /** An attempt failed: binds when to try again, the event's row. */
    public static final String RETRY_LATER =
            "UPDATE webhook_outbox SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?";

    /** Stops a webhook for good: binds the reason, the webhook. */
    public static final String DISABLE =
            "UPDATE webhooks SET disabled_at = now(), disabled_reason = ?, lease_owner = NULL, lease_until = NULL "
                    + "WHERE id = ? AND disabled_at IS NULL";

    /** Drops a webhook's queue. */
    public static final String DROP_QUEUE = "DELETE FROM webhook_outbox WHERE webhook_id = ?";

    /** Forgets delivered events: binds how old, in seconds. */
    public static final String FORGET_DELIVERED =
            "DELETE FROM webhook_outbox WHERE delivered_at < now() - ? * interval '1 second'";

    /** Webhooks with more events waiting than the bound value. */
    public static final String OVERFLOWING =
            "SELECT webhook_id FROM webhook_outbox WHERE delivered_at IS NULL GROUP BY webhook_id HAVING count(*) > ?";

    /** Records an attempt: binds webhook, event id, attempt, HTTP status or null, error or null, duration. */
    public static final String INSERT_DELIVERY =
            "INSERT INTO webhook_deliveries (webhook_id, event_id, attempt, status, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)";

    /** Keeps only a webhook's newest attempts: binds webhook, webhook, how many to keep. */
    public static final String PRUNE_DELIVERIES =
            "DELETE FROM webhook_deliveries WHERE webhook_id = ? AND id <= (SELECT id FROM webhook_deliveries "
                    + "WHERE webhook_id = ? ORDER BY id DESC OFFSET ? LIMIT 1)";

    private WebhookTables() {
    }
}
