package dev.chat.gateway;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.chat.common.auth.Credentials;
import dev.chat.common.auth.Tokens;
import dev.chat.common.wire.ClientFrame;
import dev.chat.common.wire.ClientFrames;
import dev.chat.common.wire.ErrorCode;
import dev.chat.common.wire.ErrorFrame;
import dev.chat.common.wire.FrameException;
import dev.chat.common.wire.Json;
import dev.chat.common.wire.ServerEvent;
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
 * One WebSocket connection (one instance per connection): authenticates the upgrade, registers the
 * socket through {@link Sessions}, and hands the client's frames to the gateway's {@link
 * FrameDispatcher}. Helidon calls it on one virtual thread per connection, so blocking here is
 * fine; writes go through the socket's {@link Outbox}. Sends are answered asynchronously, so one
 * socket may have several in flight, each answered by its own ack or error. Limits: sockets per
 * user (429 at the upgrade), frames per second ({@link FrameRate}: {@code rate_limited}, then 1008
 * for a flood), frame size ({@code too_large} past {@code gateway.maxframechars}; past
 * {@link #TOO_BIG_CHARS} the socket is closed with 1009, after the frame was read, so the client
 * gets the close frame rather than a reset connection).
 */
final class ChatSocket implements WsListener {

    /** Close code for a socket that keeps sending after being told to slow down (RFC 6455 policy violation). */
    static final int FLOODING = 1008;
    /** Close code for a frame too big to be answered (RFC 6455 1009, message too big). */
    static final int TOO_BIG = 1009;
    /** A frame this long is not answered with too_large: the socket is closed with {@link #TOO_BIG}. */
    static final int TOO_BIG_CHARS = 1024 * 1024;
    /**
     * Longest frame the WebSocket layer reads (bytes): above {@link #TOO_BIG_CHARS}, so that such
     * a frame is read whole and closed here cleanly; a longer one is cut off by Helidon (its 1009
     * close frame races the connection's reset).
     */
    static final int MAX_FRAME_BYTES = 4 * TOO_BIG_CHARS;

    private final Credentials credentials;
    private final SetupThreads setup;
    private final Sessions sessions;
    private final FrameDispatcher dispatcher;
    private final GatewaySettings settings;
    private final GatewayMetrics metrics;
    private final AtomicBoolean cleanedUp = new AtomicBoolean();
    private final StringBuilder fragments = new StringBuilder();
    private final FrameRate rate;
    private boolean skipping;
    private long skippedChars;
    private String skippedClientId;
    private Tokens.Bearer bearer;
    private Connection connection;

    /**
     * @param credentials checks the upgrade's token (JWT or API token)
     * @param setup       where the upgrade's token check and the socket's set-up run
     * @param sessions    opens and closes the connection
     * @param dispatcher  parses the client's frames and answers each
     * @param settings    limits (frame size and rate, sockets per user)
     * @param metrics     meters
     */
    ChatSocket(Credentials credentials, SetupThreads setup, Sessions sessions, FrameDispatcher dispatcher, GatewaySettings settings,
               GatewayMetrics metrics) {
        this.credentials = credentials;
        this.setup = setup;
        this.sessions = sessions;
        this.dispatcher = dispatcher;
        this.settings = settings;
        this.metrics = metrics;
        this.rate = new FrameRate(settings.framesPerSecond(), settings.frameBurst(), settings.floodWindow());
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
        String token = headers.first(HeaderNames.AUTHORIZATION)
                .filter(value -> value.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(value -> value.substring(7).strip())
                .or(() -> queryToken(prologue))
                .orElse(null);
        try {
            bearer = setup.call(() -> credentials.check(token), Tokens.InvalidToken.class);
        } catch (Tokens.InvalidToken e) {
            // answered by the server as it is: 401 before any upgrade
            throw RequestException.builder()
                    .type(DirectHandler.EventType.OTHER)
                    .status(Status.UNAUTHORIZED_401)
                    .header(HeaderValues.create(HeaderNames.WWW_AUTHENTICATE, "Bearer"))
                    .message("a valid bearer token is required (Authorization header or ?token=): " + e.getMessage())
                    .safeMessage(true)
                    .build();
        } catch (IllegalStateException e) {
            // an API token while PostgreSQL is down: it may well be valid, so not 401
            throw RequestException.builder()
                    .type(DirectHandler.EventType.OTHER)
                    .status(Status.SERVICE_UNAVAILABLE_503)
                    .header(HeaderValues.create(HeaderNames.RETRY_AFTER, "5"))
                    .message("API tokens cannot be checked now; try again")
                    .safeMessage(true)
                    .build();
        }
        long userId = bearer.userId();
        int limit = settings.socketsPerUser();
        if (sessions.socketsOf(userId) >= limit) {
            throw RequestException.builder()
                    .type(DirectHandler.EventType.OTHER)
                    .status(Status.TOO_MANY_REQUESTS_429)
                    .message("user " + userId + " already has " + limit + " sockets open on this gateway (gateway.socketsperuser)")
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
        connection = setup.call(() -> sessions.open(session, bearer, this::cleanUp), RuntimeException.class);
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        int maxFrameChars = settings.maxFrameChars();
        if (skipping || fragments.length() + text.length() > maxFrameChars) {
            // too large: its parts are skipped, and it is answered once it ended, or closed once too big
            if (!skipping) {
                CharSequence start = fragments.isEmpty() ? text : fragments;
                skippedClientId = ClientFrames.peekClientId(start);
                skippedChars = fragments.length();
                fragments.setLength(0);
            }
            skippedChars += text.length();
            skipping = !last;
            if (skippedChars > TOO_BIG_CHARS) {
                skipping = true; // whatever follows of it is ignored: the socket is closing
                connection.outbox().close(TOO_BIG, "frame too big (over " + TOO_BIG_CHARS + " characters)");
            } else if (last && admitted(text)) {
                reply(new ErrorFrame(ErrorCode.TOO_LARGE, "frame longer than " + maxFrameChars + " characters",
                        skippedClientId));
            }
            return;
        }
        if (!last) {
            fragments.append(text);
            return;
        }
        String frame = fragments.isEmpty() ? text : fragments.append(text).toString();
        fragments.setLength(0);
        metrics.frameIn();
        if (!admitted(frame)) {
            return;
        }
        ClientFrame parsed;
        try {
            parsed = dispatcher.parse(frame);
        } catch (FrameException e) {
            reply(e.toFrame());
            return;
        }
        try {
            dispatcher.dispatch(connection, parsed, this::reply);
        } catch (RuntimeException e) {
            // a backing service failed (PostgreSQL for memberships, Redis): the frame may be sent again
            String clientId = parsed instanceof ClientFrame.Send send ? send.clientId() : null;
            reply(new ErrorFrame(clientId != null ? ErrorCode.UNAVAILABLE : ErrorCode.INTERNAL,
                    "the gateway could not handle the frame now; retry" + (clientId != null ? " with the same client_id" : ""),
                    clientId));
        }
    }

    @Override
    public void onMessage(WsSession session, io.helidon.common.buffers.BufferData buffer, boolean last) {
        if (last && admitted("")) {
            reply(new ErrorFrame(ErrorCode.BAD_JSON, "binary frames are not supported: send JSON in text frames", null));
        }
    }

    /**
     * Takes a frame from the socket's budget; answers {@code rate_limited} when there is none (at
     * most {@code frameburst} answers a second), and closes a socket that keeps flooding.
     *
     * @param frame the frame (or its first part), for its client_id
     * @return whether to handle it
     */
    private boolean admitted(CharSequence frame) {
        if (rate.tryTake()) {
            return true;
        }
        metrics.rateLimited();
        if (rate.flooding()) {
            connection.outbox().close(FLOODING, "too many frames; slow down");
        } else if (rate.answerRefusal()) {
            reply(new ErrorFrame(ErrorCode.RATE_LIMITED, "more than " + settings.framesPerSecond()
                    + " frames per second", ClientFrames.peekClientId(frame), rate.retryAfterMillis()));
        }
        return false;
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

    /** Queues an answer (null: nothing to say). Non-blocking: also called on Kafka's I/O thread. */
    private void reply(ServerEvent event) {
        if (event == null) {
            return;
        }
        if (event instanceof ErrorFrame error) {
            metrics.error(error.code());
        }
        connection.outbox().send(Json.encode(event), false);
    }

    private void cleanUp() {
        if (connection != null && cleanedUp.compareAndSet(false, true)) {
            sessions.close(connection);
        }
    }
}
