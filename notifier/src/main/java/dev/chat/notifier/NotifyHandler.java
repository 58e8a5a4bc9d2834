package dev.chat.notifier;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import dev.chat.common.feed.DeadLetter;
import dev.chat.common.feed.FeedHandler;
import dev.chat.common.feed.FeedRecord;
import dev.chat.common.feed.RetryLater;
import dev.chat.common.outbound.WebhookEvents;
import dev.chat.common.wire.ChannelEvent;
import dev.chat.common.wire.ChatMessage;
import dev.chat.common.wire.MessageDeleted;
import dev.chat.common.wire.MessageUpdated;
import dev.chat.common.wire.Reaction;

/**
 * The notifier's handler of the chat-messages feed: queues each batch's events (messages, edits,
 * deletions, reactions) in PostgreSQL for the webhooks that want them, wakes the dispatcher, then
 * hands the messages to push. While PostgreSQL is away the batch is retried (queuing is idempotent
 * per event id). Push is best effort and never holds the stream. Thread-safe (stateless).
 */
final class NotifyHandler implements FeedHandler {

    private final WebhookOutbox outbox;
    private final Runnable queued;
    private final Consumer<List<ChatMessage>> push;
    private final NotifierMetrics metrics;

    /**
     * @param outbox  where webhook events are queued
     * @param queued  told after events were queued (wakes the dispatcher)
     * @param push    given each batch's messages
     * @param metrics meters
     */
    NotifyHandler(WebhookOutbox outbox, Runnable queued, Consumer<List<ChatMessage>> push, NotifierMetrics metrics) {
        this.outbox = outbox;
        this.queued = queued;
        this.push = push;
        this.metrics = metrics;
    }

    @Override
    public List<DeadLetter> handle(List<FeedRecord> batch, int attempt) throws RetryLater {
        List<ChannelEvent> events = batch.stream().map(FeedRecord::event).toList();
        try {
            int count = queue(events);
            metrics.queued(count);
            if (count > 0) {
                queued.run();
            }
        } catch (SQLException | RuntimeException e) {
            throw new RetryLater("cannot queue webhook events: " + brief(e));
        }
        push.accept(events.stream().filter(ChatMessage.class::isInstance).map(ChatMessage.class::cast).toList());
        return List.of();
    }

    /** @return the failure's first line, without the SQL a batch error repeats */
    private static String brief(Exception e) {
        Throwable cause = e instanceof BatchUpdateException && e.getCause() != null ? e.getCause() : e;
        String message = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
        return message.length() > 300 ? message.substring(0, 300) + "…" : message;
    }

    /** @return how many webhook events were queued */
    private int queue(List<ChannelEvent> events) throws SQLException {
        Set<UUID> channels = events.stream().map(ChannelEvent::channelId).collect(Collectors.toSet());
        Set<UUID> watched = outbox.channelsWithWebhooks(channels);
        if (watched.isEmpty()) {
            return 0;
        }
        return outbox.enqueue(events.stream().filter(event -> watched.contains(event.channelId()))
                .map(NotifyHandler::webhookEvent).toList());
    }

    /** @return the webhook event of a channel event: its type, a stable id, its time and body */
    static WebhookOutbox.Event webhookEvent(ChannelEvent event) {
        return switch (event) {
            case ChatMessage message -> new WebhookOutbox.Event(message.channelId(), WebhookEvents.MESSAGE,
                    "msg_" + message.messageId(), message.createdAt(), WebhookEvents.body(WebhookEvents.MESSAGE, message.createdAt(), message));
            case MessageUpdated edit -> change(edit, WebhookEvents.MESSAGE_UPDATED, edit.editedAt());
            case MessageDeleted deletion -> change(deletion, WebhookEvents.MESSAGE_DELETED, deletion.deletedAt());
            case Reaction reaction -> change(reaction, WebhookEvents.REACTION, reaction.at());
        };
    }

    /** A change's id is its place in the channel's sequence: the same event always has the same id. */
    private static WebhookOutbox.Event change(ChannelEvent event, String type, Instant at) {
        return new WebhookOutbox.Event(event.channelId(), type, "evt_" + event.channelId() + "_" + event.epoch() + "_" + event.seq(),
                at, WebhookEvents.body(type, at, event));
    }
}
