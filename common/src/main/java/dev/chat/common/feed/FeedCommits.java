package dev.chat.common.feed;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * The offsets a feed has handled, and their commits: asynchronous after each batch (no round trip
 * on the batch's path), synchronous at least every interval, when partitions are revoked and on
 * close, so at most one interval of work is redone after a crash and none after a rebalance or a
 * clean stop. Only offsets of partitions still assigned are committed. One thread: the feed's.
 */
final class FeedCommits {

    private static final System.Logger LOG = System.getLogger(FeedCommits.class.getName());

    private final Consumer<String, String> consumer;
    private final String name;
    private final long syncIntervalNanos;
    /** Handled since the last successful synchronous commit (asynchronous ones may have failed). */
    private final Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
    private long lastSync = System.nanoTime();

    FeedCommits(Consumer<String, String> consumer, String name, Duration syncInterval) {
        this.consumer = consumer;
        this.name = name;
        this.syncIntervalNanos = syncInterval.toNanos();
    }

    /** A batch was handled: commits its offsets, synchronously if the last such commit is an interval old. */
    void handled(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        handled.putAll(offsets);
        if (System.nanoTime() - lastSync >= syncIntervalNanos) {
            commitSync(Map.copyOf(handled));
        } else {
            consumer.commitAsync(Map.copyOf(offsets), (committed, e) -> {
                if (e != null) { // the next synchronous commit carries these offsets too
                    LOG.log(System.Logger.Level.WARNING, "{0}: asynchronous commit failed: {1}", name, e.toString());
                }
            });
        }
    }

    /** Partitions are revoked (inside poll): commits what was handled of them, then forgets them. */
    void revoked(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> theirs = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = handled.remove(partition);
            if (offset != null) {
                theirs.put(partition, offset);
            }
        }
        if (!theirs.isEmpty()) {
            commit(theirs);
        }
    }

    /** Partitions are lost (another member may own them already): their offsets are not ours to commit. */
    void lost(Collection<TopicPartition> partitions) {
        partitions.forEach(handled::remove);
    }

    /** The feed stops: commits everything handled. */
    void close() {
        if (!handled.isEmpty()) {
            commitSync(Map.copyOf(handled));
        }
    }

    private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (commit(offsets)) {
            handled.keySet().removeAll(offsets.keySet());
            lastSync = System.nanoTime();
        }
    }

    /** @return whether the offsets were committed */
    private boolean commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            consumer.commitSync(offsets);
            return true;
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // the partitions moved to another member: it handles the records again (handlers are idempotent)
            LOG.log(System.Logger.Level.WARNING, "{0}: commit failed during a rebalance: {1}", name, e.getMessage());
        } catch (RetriableException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: commit failed, retried with the next one: {1}", name, e.toString());
        }
        return false;
    }
}
