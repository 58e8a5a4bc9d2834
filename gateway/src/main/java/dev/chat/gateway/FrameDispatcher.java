package dev.chat.gateway;

import java.util.function.Consumer;

import dev.chat.common.channel.SendPath;
import dev.chat.common.wire.ClientFrame;
import dev.chat.common.wire.ClientFrames;
import dev.chat.common.wire.FrameException;
import dev.chat.common.wire.ServerEvent;

/**
 * The one place that knows which service answers which client frame: parses a socket's text frame
 * and hands it to the send path ({@code message}), {@link TypingRelay} ({@code typing_start},
 * {@code typing_stop}), {@link Presence} ({@code heartbeat}), {@link PresenceWatch}
 * ({@code subscribe_presence}) or {@link ResumeService} ({@code resume}). One for the gateway,
 * shared by every {@link ChatSocket}; thread-safe (each of those services is).
 */
final class FrameDispatcher {

    private final ClientFrames frames;
    private final SendPath send;
    private final TypingRelay typing;
    private final Presence presence;
    private final PresenceWatch watch;
    private final ResumeService resume;

    FrameDispatcher(ClientFrames frames, SendPath send, TypingRelay typing, Presence presence, PresenceWatch watch,
                    ResumeService resume) {
        this.frames = frames;
        this.send = send;
        this.typing = typing;
        this.presence = presence;
        this.watch = watch;
        this.resume = resume;
    }

    /**
     * @param text a whole text frame
     * @return the client frame it holds
     * @throws FrameException if it is not JSON or not a valid client frame (its error frame says which)
     */
    ClientFrame parse(String text) throws FrameException {
        return frames.parse(text);
    }

    /**
     * Handles one frame of a connection.
     *
     * @param connection the socket's connection
     * @param frame      the frame
     * @param reply      takes the answer (null: nothing to say); a send is answered when Kafka acknowledged,
     *                   on Kafka's I/O thread, so it must not block
     */
    void dispatch(Connection connection, ClientFrame frame, Consumer<ServerEvent> reply) {
        switch (frame) {
            // answered when Kafka acknowledged: the socket reads its next frame meanwhile
            case ClientFrame.Send message -> {
                connection.messageSent(message.channelId());
                send.send(connection.userId(), message).thenAccept(reply);
            }
            case ClientFrame.Typing typingFrame -> reply.accept(typing.typing(connection, typingFrame));
            case ClientFrame.Heartbeat ignored -> presence.heartbeat(connection);
            case ClientFrame.SubscribePresence subscribe -> reply.accept(watch.watch(connection, subscribe.userIds()));
            case ClientFrame.Resume resumeFrame -> reply.accept(resume.resume(connection, resumeFrame));
        }
    }
}
