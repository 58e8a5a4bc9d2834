package dev.chat.common.channel;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import dev.chat.common.wire.Ack;
import dev.chat.common.wire.ChatMessage;
import dev.chat.common.wire.ClientFrame;
import dev.chat.common.wire.ErrorCode;
import dev.chat.common.wire.ErrorFrame;
import dev.chat.common.wire.ServerEvent;

/**
 * The send path, shared by every instance that accepts messages (gateway over WebSocket, api over
 * REST): membership ({@link Access}), then the per-channel step in Redis (idempotency,
 * seq, message_id, recovery log and fan-out in one atomic script), then Kafka; the answer is an
 * {@code ack} once Kafka acknowledged, else {@code unavailable}. A repeated send (same sender and
 * client_id) gets the first attempt's message_id and seq, is written to Kafka again (so a copy
 * that recipients saw becomes durable) and is not published again. While the Kafka probe says
 * Kafka is down, sends are refused before anything is published. Thread-safe; the Redis step
 * blocks (call it on a virtual thread), the Kafka write completes later.
 */
public final class SendPath {

    private static final System.Logger LOG = System.getLogger(SendPath.class.getName());

    /** Who may write where: the gateway answers from its membership cache, the api from PostgreSQL. */
    public interface Access {
        /** @return whether the user is a member of the channel */
        boolean isMember(UUID channelId, long userId);

        /** @return whether the member may only read it (a direct channel closed by a block) */
        boolean readOnly(UUID channelId, long userId);
    }

    /** What the path measures. */
    public interface Meters {
        /** The per-channel step in Redis took this long. */
        void sequenced(Duration took);

        /** Kafka acknowledged a message this long after it was handed over. */
        void written(Duration took);

        /** Measures nothing. */
        Meters NONE = new Meters() {
            @Override
            public void sequenced(Duration took) {
            }

            @Override
            public void written(Duration took) {
            }
        };
    }

    private final Access access;
    private final RedisChannelSequencer channels;
    private final KafkaEventLog log;
    private final Meters meters;

    public SendPath(Access access, RedisChannelSequencer channels, KafkaEventLog log, Meters meters) {
        this.access = access;
        this.channels = channels;
        this.log = log;
        this.meters = meters;
    }

    /**
     * @param senderId the authenticated sender
     * @param send     the validated frame
     * @return completes with the {@code ack}, or an {@code error} (not_member, unavailable)
     */
    public CompletableFuture<ServerEvent> send(long senderId, ClientFrame.Send send) {
        if (!access.isMember(send.channelId(), senderId)) {
            return CompletableFuture.completedFuture(new ErrorFrame(ErrorCode.NOT_MEMBER, "not a member of channel "
                    + send.channelId() + " (or it does not exist)", send.clientId()));
        }
        if (access.readOnly(send.channelId(), senderId)) {
            return CompletableFuture.completedFuture(new ErrorFrame(ErrorCode.NOT_ALLOWED, "channel " + send.channelId()
                    + " is read-only: one of its two members blocks the other", send.clientId()));
        }
        if (!log.healthy()) {
            return CompletableFuture.completedFuture(unavailable(send, "Kafka is unavailable"));
        }
        ChatMessage message;
        long sequencing = System.nanoTime();
        try {
            message = (ChatMessage) channels.appendSend(ChatMessage.draft(send.channelId(), senderId, send.clientId(),
                    send.content(), send.msgType()).with(send.attachment()), senderId, send.clientId()).event();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "send to {0}: Redis step failed: {1}", send.channelId(), e.toString());
            return CompletableFuture.completedFuture(unavailable(send, "Redis is unavailable"));
        }
        long start = System.nanoTime();
        meters.sequenced(Duration.ofNanos(start - sequencing));
        return log.append(message).handle((written, error) -> {
            // on the producer's I/O thread: only build the answer
            if (error != null) {
                return unavailable(send, "the message could not be stored in time");
            }
            meters.written(Duration.ofNanos(System.nanoTime() - start));
            return new Ack(send.clientId(), message.channelId(), message.messageId(), message.createdAt(),
                    message.seq(), message.epoch());
        });
    }

    private static ErrorFrame unavailable(ClientFrame.Send send, String why) {
        return new ErrorFrame(ErrorCode.UNAVAILABLE, why + "; retry with the same client_id", send.clientId());
    }
}
