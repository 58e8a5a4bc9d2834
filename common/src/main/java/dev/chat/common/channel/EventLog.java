package dev.chat.common.channel;

import java.util.concurrent.CompletableFuture;

import dev.chat.common.wire.ChannelEvent;

/**
 * The durable log of placed channel events (Kafka in production), from which the persister
 * stores them. Implementations are thread-safe and never block the caller on the write.
 */
public interface EventLog {

    /**
     * Writes a placed event.
     *
     * @param event the event at its position
     * @return completes with nothing once the log has the event durably; completes exceptionally
     *         (never throws) when it cannot within the log's send timeout
     */
    CompletableFuture<Void> append(ChannelEvent event);

    /**
     * @return whether the latest probe found the log reachable (while not, appends are refused
     *         before anything is published)
     */
    boolean healthy();
}
