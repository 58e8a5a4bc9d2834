package dev.chat.api;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chat.common.channel.SendPath;
import dev.chat.common.wire.Ack;
import dev.chat.common.wire.ClientFrame;
import dev.chat.common.wire.ClientFrames;
import dev.chat.common.wire.ErrorCode;
import dev.chat.common.wire.ErrorFrame;
import dev.chat.common.wire.FrameException;
import dev.chat.common.wire.ServerEvent;

/**
 * {@code POST /channels/{id}/messages}: a message sent over REST takes the gateway's own send path
 * ({@link SendPath}: membership, then the {@code ChannelWriter}: the per-channel step in Redis,
 * Kafka before the answer) and the same validation as a WebSocket {@code message}, so it is
 * sequenced, fanned out to every socket and stored exactly like one. Idempotent on the {@code client_id} (from the body, or the
 * {@code Idempotency-Key} header): a repeat gets the first answer's message_id and seq.
 * Thread-safe.
 */
final class MessageSender {

    /** Longest wait for the send path (its Kafka wait is shorter: this only bounds a stuck call). */
    private static final long ANSWER_SECONDS = 30;
    private static final Pattern FIELD = Pattern.compile("'([a-z_]+)'");

    private final SendPath path;
    private final ClientFrames frames;
    private final ChannelStore store;

    MessageSender(SendPath path, ClientFrames frames, ChannelStore store) {
        this.path = path;
        this.frames = frames;
        this.store = store;
    }

    /**
     * @param caller         the sender
     * @param channelId      the channel (from the path)
     * @param body           {@code content}, optional {@code msg_type} and {@code client_id}
     * @param idempotencyKey the {@code Idempotency-Key} header, or null
     * @return the ack
     */
    Ack send(long caller, UUID channelId, JsonBody body, String idempotencyKey) {
        if (store.channel(channelId).isEmpty()) {
            throw ApiProblem.notFound("no channel " + channelId);
        }
        ObjectNode fields = body.node().deepCopy();
        fields.put("channel_id", channelId.toString());
        if (!fields.has("client_id")) {
            if (idempotencyKey == null) {
                throw ApiProblem.badRequest("client_id", "give 'client_id' (or an Idempotency-Key header): a retry with the"
                        + " same one is stored once");
            }
            fields.put("client_id", idempotencyKey);
        }
        ClientFrame.Send message;
        try {
            message = frames.message(fields);
        } catch (FrameException e) {
            throw problem(e.code(), e.getMessage());
        }
        ServerEvent answer;
        try {
            answer = path.send(caller, message).get(ANSWER_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiProblem.unavailable("interrupted; retry with the same client_id", 1);
        } catch (ExecutionException | TimeoutException e) {
            throw ApiProblem.unavailable("the message could not be stored in time; retry with the same client_id", 1);
        }
        return switch (answer) {
            case Ack ack -> ack;
            case ErrorFrame error -> throw problem(error.code(), error.message());
            default -> throw new IllegalStateException("unexpected answer " + answer);
        };
    }

    /** @return the ack as the REST answer */
    static Map<String, Object> json(Ack ack) {
        return Map.of("message_id", ack.messageId(), "client_id", ack.clientId(), "channel_id", ack.channelId(),
                "seq", ack.seq(), "epoch", ack.epoch(), "created_at", ack.createdAt());
    }

    private static ApiProblem problem(String code, String detail) {
        return switch (code) {
            case ErrorCode.NOT_MEMBER -> ApiProblem.forbidden(detail);
            case ErrorCode.NOT_ALLOWED -> ApiProblem.forbidden(detail);
            case ErrorCode.TOO_LARGE -> ApiProblem.tooLarge(detail);
            case ErrorCode.UNAVAILABLE -> ApiProblem.unavailable(detail, 1);
            case ErrorCode.MISSING_FIELD, ErrorCode.INVALID_FIELD -> ApiProblem.badRequest(field(detail), detail);
            case ErrorCode.CLIENT_ID_REUSED -> ApiProblem.unprocessable("idempotency_key_reused", "client_id",
                    detail.replace("client_id ", "Idempotency-Key (client_id) "));
            default -> ApiProblem.unavailable(detail, 1); // internal: the same retry applies
        };
    }

    private static String field(String detail) {
        Matcher matcher = FIELD.matcher(detail);
        return matcher.find() ? matcher.group(1) : null;
    }
}
