package dev.chat.common.channel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

import dev.chat.common.wire.ChannelEvent;

/**
 * An in-memory {@link EventLog} whose writes stay pending until the test acknowledges or fails
 * them, as Kafka's acknowledgement would arrive later on the producer's thread. Thread-safe.
 */
final class FakeEventLog implements EventLog {

    private record Write(ChannelEvent event, CompletableFuture<Void> acknowledged) {
    }

    private final List<Write> writes = new ArrayList<>();
    private final List<ChannelEvent> durable = new ArrayList<>();
    private volatile boolean healthy = true;

    @Override
    public synchronized CompletableFuture<Void> append(ChannelEvent event) {
        Write write = new Write(event, new CompletableFuture<>());
        writes.add(write);
        return write.acknowledged();
    }

    @Override
    public boolean healthy() {
        return healthy;
    }

    /** @param up what the next probe says */
    void probeSays(boolean up) {
        healthy = up;
    }

    /** Acknowledges every pending write: the events are durable. */
    void acknowledgePending() {
        for (Write write : pending()) {
            synchronized (this) {
                durable.add(write.event());
            }
            write.acknowledged().complete(null);
        }
    }

    /** Fails every pending write, as a send timeout does. */
    void failPending() {
        for (Write write : pending()) {
            write.acknowledged().completeExceptionally(new TimeoutException("not acknowledged in time (fake)"));
        }
    }

    /** @return every event handed to the log, acknowledged or not, in order */
    synchronized List<ChannelEvent> handedOver() {
        return writes.stream().map(Write::event).toList();
    }

    /** @return the events the log acknowledged, in order */
    synchronized List<ChannelEvent> durable() {
        return List.copyOf(durable);
    }

    private synchronized List<Write> pending() {
        return writes.stream().filter(write -> !write.acknowledged().isDone()).toList();
    }
}
