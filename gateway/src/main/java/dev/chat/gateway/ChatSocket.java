package dev.chat.gateway;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.chat.common.Tokens;
import dev.chat.common.wire.ClientFrame;
import dev.chat.common.wire.ErrorCode;
import dev.chat.common.wire.ErrorFrame;
import dev.chat.common.wire.FrameException;
import dev.chat.common.wire.Json;
import dev.chat.common.wire.ServerEvent;
import dev.chat.common.wire.TypingEvent;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

/**
 * One WebSocket connection (one instance per connection): authenticates the upgrade, registers
 * the socket and its channels, and handles the client's frames. Helidon calls it on one virtual
 * thread per connection, so blocking here is fine; writes go through the socket's {@link Outbox}.
 */
final class ChatSocket implements WsListener {

    private final Gateway gateway;
    private final AtomicBoolean cleanedUp = new AtomicBoolean();
    private final StringBuilder fragments = new StringBuilder();
    private long userId;
    private Connection connection;

    ChatSocket(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
        String token = headers.first(HeaderNames.AUTHORIZATION)
                .filter(value -> value.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(value -> value.substring(7).strip())
                .or(() -> queryToken(prologue))
                .orElse(null);
        try {
            userId = gateway.tokens().verify(token);
        } catch (Tokens.InvalidToken e) {
            // answered by the server as it is: 401 before any upgrade
            throw RequestException.builder()
                    .type(DirectHandler.EventType.OTHER)
                    .status(Status.UNAUTHORIZED_401)
                    .header(HeaderValues.create(HeaderNames.WWW_AUTHENTICATE, "Bearer"))
                    .message("a valid bearer token is required (Authorization header or ?token=): " + e.getMessage())
                    .safeMessage(true)
                    .build();
        }
        return Optional.empty();
    }

    /** Browsers cannot set headers on a WebSocket: they pass {@code ?token=}. */
    private static Optional<String> queryToken(HttpPrologue prologue) {
        try {
            return prologue.query().contains("token") ? Optional.of(prologue.query().get("token")) : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public void onOpen(WsSession session) {
        connection = gateway.open(session, userId, this::cleanUp);
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        if (fragments.length() + text.length() > gateway.settings().maxFrameChars()) {
            fragments.setLength(0);
            reply(new ErrorFrame(ErrorCode.TOO_LARGE, "frame longer than " + gateway.settings().maxFrameChars()
                    + " characters", null));
            return;
        }
        if (!last) {
            fragments.append(text);
            return;
        }
        String frame = fragments.isEmpty() ? text : fragments.append(text).toString();
        fragments.setLength(0);
        gateway.metrics().frameIn();
        try {
            handle(gateway.frames().parse(frame));
        } catch (FrameException e) {
            reply(e.toFrame());
        } catch (RuntimeException e) {
            reply(new ErrorFrame(ErrorCode.INTERNAL, "the gateway failed to handle the frame; retry", null));
        }
    }

    @Override
    public void onPong(WsSession session, io.helidon.common.buffers.BufferData buffer) {
        connection.ponged();
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        cleanUp();
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        cleanUp();
    }

    private void handle(ClientFrame frame) {
        switch (frame) {
            case ClientFrame.Send send -> reply(gateway.sender().send(userId, send));
            case ClientFrame.Typing typing -> typing(typing);
            case ClientFrame.Heartbeat ignored -> gateway.presence().heartbeat(connection);
            case ClientFrame.SubscribePresence subscribe -> subscribe.userIds().forEach(watched -> {
                gateway.registry().listen(connection, FanOut.presenceTopic(watched));
                connection.outbox().send(Json.encode(gateway.presence().current(watched)), true);
            });
        }
    }

    private void typing(ClientFrame.Typing typing) {
        if (!gateway.memberships().isMember(typing.channelId(), userId)) {
            reply(new ErrorFrame(ErrorCode.NOT_MEMBER, "not a member of channel " + typing.channelId(), null));
            return;
        }
        gateway.fanOut().publish(FanOut.channelTopic(typing.channelId()), new TypingEvent(typing.channelId(), userId,
                typing.start() ? "start" : "stop", gateway.settings().typingExpiry().toMillis()));
    }

    private void reply(ServerEvent event) {
        if (event instanceof ErrorFrame error) {
            gateway.metrics().error(error.code());
        }
        connection.outbox().send(Json.encode(event), false);
    }

    private void cleanUp() {
        if (connection != null && cleanedUp.compareAndSet(false, true)) {
            gateway.close(connection);
        }
    }
}
