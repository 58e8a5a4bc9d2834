package dev.chat.persister;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.chat.common.feed.DeadLetter;
import dev.chat.common.feed.FeedHandler;
import dev.chat.common.feed.FeedRecord;
import dev.chat.common.feed.RetryLater;
import dev.chat.common.wire.ChatMessage;

/**
 * The persister's handler of the chat-messages feed: stores each batch's messages in Cassandra,
 * then applies its edits, deletions and reactions. While Cassandra is unavailable the batch is
 * retried (writes are idempotent); when Cassandra refuses the batch itself (or an unknown error
 * repeats), its messages are stored one by one and those refused are returned for the
 * dead-letter topic ({@link StoreFailures} is the policy). An unusable table is fatal
 * ({@link MessageStore#checkTable} throws). Thread-safe (stateless over a thread-safe store).
 */
final class PersistHandler implements FeedHandler {

    private static final System.Logger LOG = System.getLogger(PersistHandler.class.getName());
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(15);

    private final MessageStore store;
    private final PersisterMetrics metrics;

    PersistHandler(MessageStore store, PersisterMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    @Override
    public List<DeadLetter> handle(List<FeedRecord> batch, int attempt) throws RetryLater, InterruptedException {
        List<DeadLetter> refused = new ArrayList<>();
        storeMessages(batch.stream().filter(r -> r.event() instanceof ChatMessage).toList(), attempt, refused);
        // edits, deletions and reactions after the messages: a change always follows its message in the log
        for (FeedRecord change : batch) {
            if (change.event() instanceof ChatMessage) {
                continue;
            }
            try {
                store.apply(change.event(), STORE_TIMEOUT);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (StoreFailures.classify(e) == StoreFailures.Kind.OUTAGE) {
                    throw new RetryLater(StoreFailures.unwrap(e));
                }
                refused.add(new DeadLetter(change.record(), "refused by Cassandra: " + StoreFailures.unwrap(e)));
            }
        }
        return refused;
    }

    /** Stores the messages as one batch or, when it is refused, one by one; adds those refused to {@code refused}. */
    private void storeMessages(List<FeedRecord> messages, int attempt, List<DeadLetter> refused)
            throws RetryLater, InterruptedException {
        if (messages.isEmpty()) {
            return;
        }
        try {
            store(messages);
            return;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            StoreFailures.Kind kind = StoreFailures.classify(e);
            if (kind == StoreFailures.Kind.OUTAGE
                    || kind == StoreFailures.Kind.UNKNOWN && attempt < StoreFailures.ATTEMPTS_BEFORE_ISOLATING) {
                throw new RetryLater(StoreFailures.unwrap(e));
            }
            LOG.log(System.Logger.Level.WARNING, "persister: a batch of {0} was refused ({1}); storing it record by record",
                    messages.size(), StoreFailures.unwrap(e).toString());
        }
        List<DeadLetter> alone = new ArrayList<>();
        boolean anyStored = false;
        for (FeedRecord message : messages) {
            try {
                store(List.of(message));
                anyStored = true;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (StoreFailures.classify(e) == StoreFailures.Kind.OUTAGE) {
                    throw new RetryLater(StoreFailures.unwrap(e));
                }
                alone.add(new DeadLetter(message.record(), "refused by Cassandra: " + StoreFailures.unwrap(e)));
            }
        }
        if (!alone.isEmpty() && !anyStored) {
            try {
                store.checkTable(); // throws (the persister stops) if the table itself is unusable: configuration
            } catch (RuntimeException e) {
                if (StoreFailures.classify(e) == StoreFailures.Kind.OUTAGE) {
                    throw new RetryLater(e); // Cassandra went away meanwhile: not the table's fault
                }
                throw e;
            }
        }
        refused.addAll(alone);
    }

    private void store(List<FeedRecord> messages) throws Exception {
        List<MessageStore.Result> results = store.storeAll(messages.stream().map(r -> (ChatMessage) r.event()).toList(),
                STORE_TIMEOUT);
        metrics.stored(results.stream().filter(r -> r == MessageStore.Result.STORED).count(),
                results.stream().filter(r -> r == MessageStore.Result.DUPLICATE).count());
    }
}
