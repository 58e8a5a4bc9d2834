package dev.chat.persister;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chat.common.MessageBuckets;
import dev.chat.common.wire.ChatMessage;

/**
 * Writes messages to Cassandra idempotently. A message first claims its send
 * ({@code sends_by_client_id}, a lightweight transaction on (channel, sender, client_id)); only the
 * message_id that holds the claim is written to {@code messages_by_channel}, so a retried send
 * that got a second message_id is never stored twice, and writing the same message again is
 * harmless. Thread-safe (prepared statements on the shared session).
 */
final class MessageStore {

    /** What happened to one message. */
    enum Result {
        /** Written (or already there under the same message_id). */
        STORED,
        /** Another message_id already holds this send: not stored again. */
        DUPLICATE
    }

    private final CqlSession session;
    private final PreparedStatement claim;
    private final PreparedStatement insert;

    MessageStore(CqlSession session) {
        this.session = session;
        this.claim = session.prepare("INSERT INTO sends_by_client_id (channel_id, sender_id, client_id, message_id)"
                + " VALUES (?, ?, ?, ?) IF NOT EXISTS");
        this.insert = session.prepare("INSERT INTO messages_by_channel (channel_id, bucket, message_id, sender_id,"
                + " client_id, content, msg_type, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'sent', ?)");
    }

    /**
     * Stores a batch: every message in parallel; returns when all are acknowledged.
     *
     * @param messages the batch
     * @param timeout  how long to wait for Cassandra
     * @return each message's result, in order
     * @throws Exception the first failure (the batch may be retried as a whole: it is idempotent)
     */
    List<Result> storeAll(List<ChatMessage> messages, Duration timeout) throws Exception {
        List<CompletableFuture<Result>> writes = new ArrayList<>(messages.size());
        for (ChatMessage message : messages) {
            writes.add(store(message).toCompletableFuture());
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return writes.stream().map(CompletableFuture::join).toList();
    }

    private CompletionStage<Result> store(ChatMessage message) {
        return session.executeAsync(claim.bind(message.channelId(), message.senderId(), message.clientId(),
                                message.messageId())
                        .setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM)
                        .setSerialConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL))
                .thenCompose(claimed -> holdsClaim(claimed, message.messageId())
                        ? session.executeAsync(insert.bind(message.channelId(), MessageBuckets.of(message.messageId()),
                                        message.messageId(), message.senderId(), message.clientId(), message.content(),
                                        message.msgType(), message.createdAt())
                                .setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM))
                                .thenApply(written -> Result.STORED)
                        : CompletableFuture.completedFuture(Result.DUPLICATE));
    }

    private static boolean holdsClaim(AsyncResultSet claimed, UUID messageId) {
        if (claimed.wasApplied()) {
            return true;
        }
        Row existing = claimed.one();
        return existing != null && messageId.equals(existing.getUuid("message_id"));
    }
}
