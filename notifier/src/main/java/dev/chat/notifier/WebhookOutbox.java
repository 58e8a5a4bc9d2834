package dev.chat.notifier;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import dev.chat.common.store.WebhookTables;

/**
 * The webhook tables in PostgreSQL, as the notifier uses them: queuing message events for the
 * webhooks that want them ({@code webhook_outbox}, once per event id), finding webhooks with a due
 * event, leasing a webhook to one notifier at a time (so its events go out in order), and recording
 * each attempt. The api queues member events itself, in the member change's transaction.
 * Thread-safe.
 */
final class WebhookOutbox {

    /** How long a delivered event is remembered, so that reading it again does not send it again. */
    static final java.time.Duration KEPT_DELIVERED = java.time.Duration.ofDays(1);

    /** Deliveries kept per webhook for its owner to read. */
    static final int KEPT_DELIVERIES = 50;

    private final DataSource db;

    WebhookOutbox(DataSource db) {
        this.db = db;
    }

    /**
     * An event queued for a webhook.
     *
     * @param id          its row (queue order)
     * @param eventId     stable across retries
     * @param type        the event's type
     * @param payload     the JSON body
     * @param queuedAt    when it was queued
     * @param attempts    failed attempts so far
     * @param nextAttempt when it may be tried again
     */
    record Pending(long id, String eventId, String type, String payload, Instant queuedAt, int attempts, Instant nextAttempt) {
    }

    /**
     * A webhook leased for delivery.
     *
     * @param id     its id
     * @param url    where to POST
     * @param secret its signing secret
     */
    record Target(UUID id, String url, String secret) {
    }

    /**
     * An event of the message stream to queue.
     *
     * @param channelId the channel
     * @param type      message, message_updated, message_deleted or reaction
     * @param eventId   its id ({@code msg_<message id>}, or {@code evt_<channel>_<epoch>_<seq>} for a change)
     * @param at        when it happened (webhooks created after it do not get it)
     * @param payload   the JSON body
     */
    record Event(UUID channelId, String type, String eventId, Instant at, String payload) {
    }

    /** @return which of the channels have an active webhook */
    Set<UUID> channelsWithWebhooks(Set<UUID> channels) throws SQLException {
        try (Connection connection = db.getConnection();
             PreparedStatement select = connection.prepareStatement(WebhookTables.CHANNELS_WITH_WEBHOOKS)) {
            Array ids = connection.createArrayOf("uuid", channels.toArray());
            select.setArray(1, ids);
            Set<UUID> found = new HashSet<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getObject(1, UUID.class));
                }
            }
            return found;
        }
    }

    /**
     * Queues events for every active webhook of their channel that subscribed to their type and
     * existed when they happened (2 s of clock skew allowed). Idempotent per event id.
     *
     * @param events the events
     * @return how many were queued (webhooks × events, repeats not counted)
     */
    int enqueue(List<Event> events) throws SQLException {
        try (Connection connection = db.getConnection();
             PreparedStatement insert = connection.prepareStatement(WebhookTables.ENQUEUE_MESSAGE_EVENT)) {
            for (Event event : events) {
                insert.setString(1, event.eventId());
                insert.setString(2, event.type());
                insert.setString(3, event.payload());
                insert.setObject(4, event.channelId());
                insert.setString(5, event.type());
                insert.setTimestamp(6, Timestamp.from(event.at()));
                insert.addBatch();
            }
            int queued = 0;
            for (int count : insert.executeBatch()) {
                queued += Math.max(count, 0);
            }
            return queued;
        }
    }

    /**
     * @param owner this notifier
     * @param limit most webhooks
     * @return active webhooks whose oldest event is due, not leased by another notifier
     */
    List<UUID> due(String owner, int limit) throws SQLException {
        try (Connection connection = db.getConnection();
             PreparedStatement select = connection.prepareStatement(WebhookTables.DUE)) {
            select.setString(1, owner);
            select.setInt(2, limit);
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getObject(1, UUID.class));
                }
            }
            return ids;
        }
    }

    /**
     * Takes or renews the lease of a webhook.
     *
     * @return where to deliver, empty if another notifier holds it or it was disabled or deleted
     */
    Optional<Target> lease(UUID webhookId, String owner, Duration lease) throws SQLException {
        try (Connection connection = db.getConnection();
             PreparedStatement update = connection.prepareStatement(WebhookTables.LEASE)) {
            update.setString(1, owner);
            update.setLong(2, lease.toMillis());
            update.setObject(3, webhookId);
            update.setString(4, owner);
            try (ResultSet row = update.executeQuery()) {
                return row.next() ? Optional.of(new Target(webhookId, row.getString(1), row.getString(2))) : Optional.empty();
            }
        }
    }

    /** Gives the lease back, so another notifier may deliver at once. */
    void release(UUID webhookId, String owner) throws SQLException {
        try (Connection connection = db.getConnection();
             PreparedStatement update = connection.prepareStatement(WebhookTables.RELEASE)) {
            update.setObject(1, webhookId);
            update.setString(2, owner);
            update.executeUpdate();
        }
    }

    /** @return the webhook's oldest queued event */
    Optional<Pending> head(UUID webhookId) throws SQLException {
        try (Connection connection = db.getConnection();
             PreparedStatement select = connection.prepareStatement(WebhookTables.HEAD)) {
            select.setObject(1, webhookId);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(new Pending(row.getLong(1), row.getString(2), row.getString(3), row.getString(4),
                        row.getTimestamp(5).toInstant(), row.getInt(6), row.getTimestamp(7).toInstant())) : Optional.empty();
            }
        }
    }

    /**
     * The event was delivered: it leaves the queue (its row is kept for {@link #KEPT_DELIVERED}, so
     * the same event read again is not queued again), and the attempt is recorded.
     */
    void delivered(UUID webhookId, Pending event, int status, long durationMs) throws SQLException {
        try (Connection connection = db.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement delete = connection.prepareStatement(WebhookTables.MARK_DELIVERED)) {
                delete.setLong(1, event.id());
                delete.executeUpdate();
            }
            record(connection, webhookId, event, status, null, durationMs);
            connection.commit();
        }
    }

    /** The attempt failed: the event waits until {@code next}, and the attempt is recorded. */
    void failed(UUID webhookId, Pending event, Integer status, String error, long durationMs, Instant next) throws SQLException {
        try (Connection connection = db.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement update = connection.prepareStatement(WebhookTables.RETRY_LATER)) {
                update.setTimestamp(1, Timestamp.from(next));
                update.setLong(2, event.id());
                update.executeUpdate();
            }
            record(connection, webhookId, event, status, error, durationMs);
            connection.commit();
        }
    }

    /** Stops a webhook for good: no more deliveries, its queue dropped, the reason kept for its owner. */
    void disable(UUID webhookId, String reason) throws SQLException {
        try (Connection connection = db.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement update = connection.prepareStatement(WebhookTables.DISABLE);
                 PreparedStatement drop = connection.prepareStatement(WebhookTables.DROP_QUEUE)) {
                update.setString(1, reason.length() > 512 ? reason.substring(0, 512) : reason);
                update.setObject(2, webhookId);
                update.executeUpdate();
                drop.setObject(1, webhookId);
                drop.executeUpdate();
            }
            connection.commit();
        }
    }

    /** Forgets delivered events older than {@link #KEPT_DELIVERED}. @return how many */
    int forgetDelivered() throws SQLException {
        try (Connection connection = db.getConnection();
             PreparedStatement delete = connection.prepareStatement(WebhookTables.FORGET_DELIVERED)) {
            delete.setLong(1, KEPT_DELIVERED.toSeconds());
            return delete.executeUpdate();
        }
    }

    /** @return webhooks with more than {@code max} events waiting */
    List<UUID> overflowing(int max) throws SQLException {
        try (Connection connection = db.getConnection();
             PreparedStatement select = connection.prepareStatement(WebhookTables.OVERFLOWING)) {
            select.setInt(1, max);
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getObject(1, UUID.class));
                }
            }
            return ids;
        }
    }

    private static void record(Connection connection, UUID webhookId, Pending event, Integer status, String error, long durationMs)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(WebhookTables.INSERT_DELIVERY);
             PreparedStatement prune = connection.prepareStatement(WebhookTables.PRUNE_DELIVERIES)) {
            insert.setObject(1, webhookId);
            insert.setString(2, event.eventId());
            insert.setInt(3, event.attempts() + 1);
            if (status == null) {
                insert.setNull(4, java.sql.Types.INTEGER);
            } else {
                insert.setInt(4, status);
            }
            insert.setString(5, error == null ? null : error.length() > 512 ? error.substring(0, 512) : error);
            insert.setInt(6, (int) Math.min(Integer.MAX_VALUE, durationMs));
            insert.executeUpdate();
            prune.setObject(1, webhookId);
            prune.setObject(2, webhookId);
            prune.setInt(3, KEPT_DELIVERIES);
            prune.executeUpdate();
        }
    }
}
