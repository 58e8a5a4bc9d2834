package dev.chat.common.channel;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import dev.chat.common.files.FileStore;
import dev.chat.common.wire.Ack;
import dev.chat.common.wire.Attachment;
import dev.chat.common.wire.ChatMessage;
import dev.chat.common.wire.ClientFrame;
import dev.chat.common.wire.ErrorCode;
import dev.chat.common.wire.ErrorFrame;
import dev.chat.common.wire.ServerEvent;

/**
 * The send path, shared by every instance that accepts messages (gateway over WebSocket, api over
 * REST): may the sender write to the channel ({@link Access}), then the {@link ChannelWriter};
 * the answer is an {@code ack} with the message's id and position, or an {@code error}
 * (not_member, not_allowed, unavailable with "retry with the same client_id"). The content's
 * mentions are resolved here, once ({@link Mentions}); a file the message carries must be in the
 * store under its channel, as described ({@link Files}). Thread-safe; blocks on the access check,
 * the file check, the mentions and the per-channel step (call it on a virtual thread).
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

    /** Whether the file a message names was uploaded to its channel: the {@link FileStore} asks the store. */
    @FunctionalInterface
    public interface Files {
        /** Where no store is configured: no file was uploaded, so a message carries none. */
        Files NONE = (channelId, attachment) -> FileStore.Check.MISSING;

        /** @return what the store says of the file */
        FileStore.Check check(UUID channelId, Attachment attachment);
    }

    private final Access access;
    private final Mentions mentions;
    private final Files files;
    private final ChannelWriter writer;

    /**
     * @param access   who may write where
     * @param mentions resolves {@code @name} and {@code @channel} to members
     * @param files    whether a message's file is in the store
     * @param writer   appends the message to its channel
     */
    public SendPath(Access access, Mentions mentions, Files files, ChannelWriter writer) {
        this.access = access;
        this.mentions = mentions;
        this.files = files;
        this.writer = writer;
    }

    /** A send path whose messages mention no one and carry no files. */
    public SendPath(Access access, ChannelWriter writer) {
        this(access, Mentions.NONE, Files.NONE, writer);
    }

    /**
     * @param senderId the authenticated sender
     * @param send     the validated frame
     * @return completes with the {@code ack}, or an {@code error} (not_member, not_allowed,
     *         invalid_field for a file that is not in the store as described, unavailable)
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
        if (send.attachment() != null) {
            ErrorFrame refused = fileRefusal(send);
            if (refused != null) {
                return CompletableFuture.completedFuture(refused);
            }
        }
        ChatMessage draft = ChatMessage.draft(send.channelId(), senderId, send.clientId(), send.content(), send.msgType())
                .with(send.attachment()).replyingTo(send.replyTo())
                .mentioning(mentionsIn(send, senderId));
        // may run on the log's I/O thread: only build the answer
        return writer.append(draft).thenApply(outcome -> switch (outcome) {
            case ChannelWriter.Written written when written.repeated() && differs((ChatMessage) written.event(), draft) ->
                    new ErrorFrame(ErrorCode.CLIENT_ID_REUSED, "client_id " + send.clientId() + " was used for a different"
                            + " message; a retry repeats the message exactly, a new message needs a new client_id",
                            send.clientId());
            case ChannelWriter.Written written -> ack(send, (ChatMessage) written.event());
            case ChannelWriter.Unavailable unavailable -> new ErrorFrame(ErrorCode.UNAVAILABLE,
                    why(unavailable.reason()) + "; retry with the same client_id", send.clientId());
            case ChannelWriter.Refused refused -> throw new IllegalStateException("a send is never refused: " + refused);
        });
    }

    /**
     * @return whether a repeated send carries another message than its first attempt (what the
     *         client chose: content, type, file; the first attempt's text is known while the
     *         recovery log has it, else the draft stands for it and nothing can differ)
     */
    private static boolean differs(ChatMessage first, ChatMessage retry) {
        return !java.util.Objects.equals(first.content(), retry.content()) || !java.util.Objects.equals(first.msgType(),
                retry.msgType()) || !java.util.Objects.equals(first.attachment(), retry.attachment());
    }

    /** @return why the message's file cannot be sent, or null when it is in the store as described */
    private ErrorFrame fileRefusal(ClientFrame.Send send) {
        Attachment file = send.attachment();
        return switch (files.check(send.channelId(), file)) {
            case PRESENT -> null;
            case MISSING -> new ErrorFrame(ErrorCode.INVALID_FIELD, "'attachment.file_id' " + file.fileId()
                    + " names no file uploaded to channel " + send.channelId() + " (upload it first)", send.clientId());
            case DIFFERENT -> new ErrorFrame(ErrorCode.INVALID_FIELD, "'attachment' does not describe the uploaded file "
                    + file.fileId() + " (its size or content_type differs)", send.clientId());
            case UNREACHABLE -> new ErrorFrame(ErrorCode.UNAVAILABLE, "the file store is unavailable; retry with the same"
                    + " client_id", send.clientId());
        };
    }

    /** The message's mentions; when they cannot be looked up (PostgreSQL away) it is sent mentioning no one. */
    private java.util.List<Long> mentionsIn(ClientFrame.Send send, long senderId) {
        try {
            return mentions.of(send.channelId(), senderId, send.content());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "mentions of a send to {0} not resolved, sent without: {1}", send.channelId(),
                    e.toString());
            return java.util.List.of();
        }
    }

    private static Ack ack(ClientFrame.Send send, ChatMessage message) {
        return new Ack(send.clientId(), message.channelId(), message.messageId(), message.createdAt(), message.seq(),
                message.epoch());
    }

    private static String why(ChannelWriter.Reason reason) {
        return switch (reason) {
            case LOG_UNHEALTHY -> "Kafka is unavailable";
            case SEQUENCER_FAILED -> "Redis is unavailable";
            case LOG_WRITE_FAILED -> "the message could not be stored in time";
        };
    }
}
