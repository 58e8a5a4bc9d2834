package dev.chat.common.feed;

import java.util.List;

/** What a service does with each batch of a {@link ChannelFeed}; called on the feed's thread only. */
public interface FeedHandler {

    /**
     * Handles a batch of valid channel events. Must be idempotent: a batch is handed over again
     * after {@link RetryLater}, after a crash before its commit, and to a partition's next owner.
     *
     * @param batch   the events, in offset order within each partition; never empty
     * @param attempt 1 the first time this batch is handed over, then 2, 3... (a retry)
     * @return the records of the batch that can never be handled, to park on the dead-letter topic
     *         (their offsets are committed with the rest); empty if none
     * @throws RetryLater           to have the same records handed over again after a back-off
     * @throws InterruptedException if interrupted (the feed stops)
     * @throws RuntimeException     anything else stops the feed as fatal
     */
    List<DeadLetter> handle(List<FeedRecord> batch, int attempt) throws RetryLater, InterruptedException;
}
