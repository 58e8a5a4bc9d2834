package dev.chat.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.chat.common.TimeUuids;
import dev.chat.common.wire.Json;
import org.redisson.api.RBucket;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Remembers every send by (channel, sender, client_id) so a retry gets the original message_id.
 * The record lives in Redis with a TTL ({@code send:<channel>:<sender>:<client_id>}); it says
 * "done" only after Kafka acknowledged. When Redis has no record (new send, or Redis was flushed)
 * the persister's durable record in Cassandra ({@code sends_by_client_id}) is consulted.
 * Thread-safe.
 */
final class SendLedger {

    private static final System.Logger LOG = System.getLogger(SendLedger.class.getName());
    private static final Duration LOOKUP_TIMEOUT = Duration.ofMillis(500);

    private final RedissonClient redis;
    private final CqlSession cassandra;
    private final Duration ttl;
    private final PreparedStatement lookup;

    /**
     * What is known about a send.
     *
     * @param messageId the id this send has (or had)
     * @param createdAt its time
     * @param done      Kafka acknowledged it
     * @param fannedOut it was published to the channel
     */
    record Entry(UUID messageId, Instant createdAt, boolean done, boolean fannedOut) {
    }

    /** What to do with a send. */
    sealed interface Outcome {
        Entry entry();
    }

    /** A new send: write it and fan it out. */
    record New(Entry entry) implements Outcome {
    }

    /** A retry of a send never acknowledged: write it again under the same id. */
    record Retry(Entry entry) implements Outcome {
    }

    /** Already durable: answer with the original ack, do nothing else. */
    record Done(Entry entry) implements Outcome {
    }

    SendLedger(RedissonClient redis, CqlSession cassandra, Duration ttl) {
        this.redis = redis;
        this.cassandra = cassandra;
        this.ttl = ttl;
        this.lookup = cassandra.prepare("SELECT message_id FROM sends_by_client_id"
                + " WHERE channel_id = ? AND sender_id = ? AND client_id = ?");
    }

    /**
     * Claims a send or finds what an earlier attempt left.
     *
     * @param channelId channel
     * @param senderId  sender
     * @param clientId  the client's key
     * @param newId     makes the id for a new send
     * @return new, retry or done
     */
    Outcome begin(UUID channelId, long senderId, String clientId, Supplier<UUID> newId) {
        RBucket<String> record = record(channelId, senderId, clientId);
        UUID id = newId.get();
        Entry fresh = new Entry(id, TimeUuids.instant(id), false, false);
        if (record.setIfAbsent(Json.encode(fresh), ttl)) {
            Optional<UUID> stored = durable(channelId, senderId, clientId);
            if (stored.isPresent()) {
                Entry done = new Entry(stored.get(), TimeUuids.instant(stored.get()), true, true);
                record.set(Json.encode(done), ttl);
                return new Done(done);
            }
            return new New(fresh);
        }
        Entry earlier = decode(record.get()).orElse(fresh);
        return earlier.done() ? new Done(earlier) : new Retry(earlier);
    }

    /**
     * Records progress of a send (fanned out, acknowledged).
     *
     * @param channelId channel
     * @param senderId  sender
     * @param clientId  the client's key
     * @param entry     the new state
     */
    void update(UUID channelId, long senderId, String clientId, Entry entry) {
        record(channelId, senderId, clientId).set(Json.encode(entry), ttl);
    }

    private Optional<UUID> durable(UUID channelId, long senderId, String clientId) {
        try {
            Row row = cassandra.execute(lookup.bind(channelId, senderId, clientId).setTimeout(LOOKUP_TIMEOUT)).one();
            return Optional.ofNullable(row).map(r -> r.getUuid("message_id"));
        } catch (RuntimeException e) {
            // Cassandra slow or down: do not block sends; the persister still refuses a second id
            LOG.log(System.Logger.Level.WARNING, "send ledger: Cassandra lookup failed: {0}", e.getMessage());
            return Optional.empty();
        }
    }

    private RBucket<String> record(UUID channelId, long senderId, String clientId) {
        return redis.getBucket("send:" + channelId + ":" + senderId + ":" + clientId, StringCodec.INSTANCE);
    }

    private static Optional<Entry> decode(String json) {
        if (json == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.decode(json, Entry.class));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
