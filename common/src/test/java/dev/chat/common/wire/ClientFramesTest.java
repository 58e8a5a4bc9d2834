package dev.chat.common.wire;

import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ClientFramesTest {

    private static final int MAX_CONTENT = 10;
    private static final int MAX_PRESENCE = 3;
    private static final String CHANNEL = "6f1c1a52-0b0a-4f7e-9b8c-3d7b1f2a9e10";

    private final ClientFrames frames = new ClientFrames(MAX_CONTENT, MAX_PRESENCE);

    /** A message frame with the given extra fields (JSON members, comma separated). */
    private static String message(String fields) {
        return "{\"type\":\"message\"" + (fields.isEmpty() ? "" : "," + fields) + "}";
    }

    private static final String CHANNEL_FIELD = "\"channel_id\":\"" + CHANNEL + "\"";
    private static final String CLIENT_FIELD = "\"client_id\":\"c1\"";
    private static final String CONTENT_FIELD = "\"content\":\"hello\"";

    /**
     * Each bad frame: what is wrong, the text, the expected code, the client_id the error must
     * carry (null when it was not readable) and a fragment the message must contain.
     */
    static Stream<Arguments> badFrames() {
        return Stream.of(
                arguments("not JSON", "{\"type\":", ErrorCode.BAD_JSON, null, "JSON"),
                arguments("plain text", "hello", ErrorCode.BAD_JSON, null, "JSON"),
                arguments("trailing garbage", "{\"type\":\"heartbeat\"} garbage", ErrorCode.BAD_JSON, null, "JSON"),
                arguments("two objects", "{\"type\":\"heartbeat\"}{\"type\":\"x\"}", ErrorCode.BAD_JSON, null, "JSON"),
                arguments("empty text", "", ErrorCode.BAD_JSON, null, "JSON"),
                arguments("JSON null", "null", ErrorCode.BAD_JSON, null, "object"),
                arguments("JSON array", "[{\"type\":\"heartbeat\"}]", ErrorCode.BAD_JSON, null, "object"),
                arguments("JSON string", "\"heartbeat\"", ErrorCode.BAD_JSON, null, "object"),
                arguments("no type", "{\"channel_id\":\"" + CHANNEL + "\"}", ErrorCode.UNKNOWN_TYPE, null, "type"),
                arguments("type is a number", "{\"type\":1}", ErrorCode.UNKNOWN_TYPE, null, "type"),
                arguments("unknown type", "{\"type\":\"shout\"}", ErrorCode.UNKNOWN_TYPE, null, "shout"),
                arguments("type in another case", "{\"type\":\"MESSAGE\"}", ErrorCode.UNKNOWN_TYPE, null, "MESSAGE"),
                arguments("unknown type with a client_id", "{\"type\":\"shout\",\"client_id\":\"s1\"}",
                        ErrorCode.UNKNOWN_TYPE, "s1", "shout"),
                arguments("no type, with a client_id", "{\"client_id\":\"s2\"}", ErrorCode.UNKNOWN_TYPE, "s2", "type"),

                arguments("message missing channel_id",
                        message(CLIENT_FIELD + "," + CONTENT_FIELD),
                        ErrorCode.MISSING_FIELD, "c1", "channel_id"),
                arguments("message with null channel_id",
                        message("\"channel_id\":null," + CLIENT_FIELD + "," + CONTENT_FIELD),
                        ErrorCode.MISSING_FIELD, "c1", "channel_id"),
                arguments("channel_id not a UUID",
                        message("\"channel_id\":\"general\"," + CLIENT_FIELD + "," + CONTENT_FIELD),
                        ErrorCode.INVALID_FIELD, "c1", "channel_id"),
                arguments("channel_id a short form java.util.UUID would accept",
                        message("\"channel_id\":\"1-1-1-1-1\"," + CLIENT_FIELD + "," + CONTENT_FIELD),
                        ErrorCode.INVALID_FIELD, "c1", "channel_id"),
                arguments("channel_id a number",
                        message("\"channel_id\":12," + CLIENT_FIELD + "," + CONTENT_FIELD),
                        ErrorCode.INVALID_FIELD, "c1", "channel_id"),
                arguments("missing client_id",
                        message(CHANNEL_FIELD + "," + CONTENT_FIELD),
                        ErrorCode.MISSING_FIELD, null, "client_id"),
                arguments("client_id of 65 characters",
                        message(CHANNEL_FIELD + ",\"client_id\":\"" + "x".repeat(65) + "\"," + CONTENT_FIELD),
                        ErrorCode.INVALID_FIELD, null, "client_id"),
                arguments("client_id a number",
                        message(CHANNEL_FIELD + ",\"client_id\":42," + CONTENT_FIELD),
                        ErrorCode.INVALID_FIELD, null, "client_id"),
                arguments("client_id null (as missing, like every field)",
                        message(CHANNEL_FIELD + ",\"client_id\":null," + CONTENT_FIELD),
                        ErrorCode.MISSING_FIELD, null, "client_id"),
                arguments("client_id empty (not echoed: not a usable client_id)",
                        message(CHANNEL_FIELD + ",\"client_id\":\"\"," + CONTENT_FIELD),
                        ErrorCode.INVALID_FIELD, null, "client_id"),
                arguments("missing content",
                        message(CHANNEL_FIELD + "," + CLIENT_FIELD),
                        ErrorCode.MISSING_FIELD, "c1", "content"),
                arguments("empty content",
                        message(CHANNEL_FIELD + "," + CLIENT_FIELD + ",\"content\":\"\""),
                        ErrorCode.INVALID_FIELD, "c1", "content"),
                arguments("blank content",
                        message(CHANNEL_FIELD + "," + CLIENT_FIELD + ",\"content\":\"  \\n \""),
                        ErrorCode.INVALID_FIELD, "c1", "content"),
                arguments("content an object",
                        message(CHANNEL_FIELD + "," + CLIENT_FIELD + ",\"content\":{\"text\":\"hi\"}"),
                        ErrorCode.INVALID_FIELD, "c1", "content"),
                arguments("content over the limit",
                        message(CHANNEL_FIELD + "," + CLIENT_FIELD + ",\"content\":\"" + "y".repeat(MAX_CONTENT + 1)
                                + "\""),
                        ErrorCode.TOO_LARGE, "c1", "content"),
                arguments("msg_type video",
                        message(CHANNEL_FIELD + "," + CLIENT_FIELD + "," + CONTENT_FIELD + ",\"msg_type\":\"video\""),
                        ErrorCode.INVALID_FIELD, "c1", "msg_type"),
                arguments("msg_type in upper case",
                        message(CHANNEL_FIELD + "," + CLIENT_FIELD + "," + CONTENT_FIELD + ",\"msg_type\":\"TEXT\""),
                        ErrorCode.INVALID_FIELD, "c1", "msg_type"),
                arguments("msg_type a number",
                        message(CHANNEL_FIELD + "," + CLIENT_FIELD + "," + CONTENT_FIELD + ",\"msg_type\":1"),
                        ErrorCode.INVALID_FIELD, "c1", "msg_type"),

                arguments("typing_start without channel_id", "{\"type\":\"typing_start\"}",
                        ErrorCode.MISSING_FIELD, null, "channel_id"),
                arguments("typing_stop with channel_id not a UUID",
                        "{\"type\":\"typing_stop\",\"channel_id\":\"abc\"}",
                        ErrorCode.INVALID_FIELD, null, "channel_id"),

                arguments("subscribe_presence without user_ids", "{\"type\":\"subscribe_presence\"}",
                        ErrorCode.MISSING_FIELD, null, "user_ids"),
                arguments("user_ids not an array", "{\"type\":\"subscribe_presence\",\"user_ids\":7}",
                        ErrorCode.INVALID_FIELD, null, "user_ids"),
                arguments("user_ids null", "{\"type\":\"subscribe_presence\",\"user_ids\":null}",
                        ErrorCode.MISSING_FIELD, null, "user_ids"),
                arguments("user_ids with a string", "{\"type\":\"subscribe_presence\",\"user_ids\":[1,\"2\"]}",
                        ErrorCode.INVALID_FIELD, null, "user_ids"),
                arguments("user_ids with a fraction", "{\"type\":\"subscribe_presence\",\"user_ids\":[1.5]}",
                        ErrorCode.INVALID_FIELD, null, "user_ids"),
                arguments("user_ids with a number beyond 64 bits",
                        "{\"type\":\"subscribe_presence\",\"user_ids\":[99999999999999999999]}",
                        ErrorCode.INVALID_FIELD, null, "user_ids"),
                arguments("too many user_ids", "{\"type\":\"subscribe_presence\",\"user_ids\":[1,2,3,4]}",
                        ErrorCode.TOO_LARGE, null, "user_ids"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("badFrames")
    void badFrameIsRejectedWithItsCode(String what, String frame, String code, String clientId, String named) {
        FrameException e = catchThrowableOfType(FrameException.class, () -> frames.parse(frame));

        assertThat(e).as(what).isNotNull();
        assertThat(e.code()).as(what).isEqualTo(code);
        assertThat(e.getMessage()).as(what).contains(named);
        ErrorFrame error = e.toFrame();
        assertThat(error.code()).isEqualTo(code);
        assertThat(error.message()).isEqualTo(e.getMessage());
        assertThat(error.clientId()).as(what + ": client_id of the error").isEqualTo(clientId);
    }

    @Test
    void messageWithoutClientIdIsMissingField() {
        FrameException e = catchThrowableOfType(FrameException.class,
                () -> frames.parse(message(CHANNEL_FIELD + "," + CONTENT_FIELD)));

        assertThat(e.code()).isEqualTo(ErrorCode.MISSING_FIELD);
        assertThat(e.toFrame().clientId()).isNull();
    }

    @Test
    void errorAfterClientIdWasReadKeepsClientId() {
        FrameException e = catchThrowableOfType(FrameException.class,
                () -> frames.parse(message("\"channel_id\":\"nope\",\"client_id\":\"retry-7\"," + CONTENT_FIELD)));

        assertThat(e.toFrame()).isEqualTo(new ErrorFrame(ErrorCode.INVALID_FIELD, "'channel_id' must be a UUID",
                "retry-7"));
    }

    @Test
    void messageWithAllFieldsDecodesEveryValue() throws FrameException {
        ClientFrame frame = frames.parse(message(CHANNEL_FIELD + ",\"client_id\":\"abc-1\","
                + "\"content\":\"https://x\",\"msg_type\":\"image\""));

        assertThat(frame).isEqualTo(new ClientFrame.Send(UUID.fromString(CHANNEL), "abc-1", "https://x", "image"));
    }

    @Test
    void messageWithoutMsgTypeDefaultsToText() throws FrameException {
        ClientFrame frame = frames.parse(message(CHANNEL_FIELD + "," + CLIENT_FIELD + "," + CONTENT_FIELD));

        assertThat(frame).isEqualTo(new ClientFrame.Send(UUID.fromString(CHANNEL), "c1", "hello", "text"));
    }

    @Test
    void messageWithNullMsgTypeDefaultsToText() throws FrameException {
        ClientFrame frame = frames.parse(message(CHANNEL_FIELD + "," + CLIENT_FIELD + "," + CONTENT_FIELD
                + ",\"msg_type\":null"));

        assertThat(((ClientFrame.Send) frame).msgType()).isEqualTo("text");
    }

    @Test
    void messageAcceptsFileMsgType() throws FrameException {
        ClientFrame frame = frames.parse(message(CHANNEL_FIELD + "," + CLIENT_FIELD + "," + CONTENT_FIELD
                + ",\"msg_type\":\"file\""));

        assertThat(((ClientFrame.Send) frame).msgType()).isEqualTo("file");
    }

    @Test
    void contentOfExactlyTheLimitIsAccepted() throws FrameException {
        String content = "z".repeat(MAX_CONTENT);
        ClientFrame frame = frames.parse(message(CHANNEL_FIELD + "," + CLIENT_FIELD + ",\"content\":\"" + content + "\""));

        assertThat(((ClientFrame.Send) frame).content()).isEqualTo(content);
    }

    @Test
    void clientIdOf64CharactersIsAccepted() throws FrameException {
        String clientId = "k".repeat(ClientFrames.MAX_CLIENT_ID);
        ClientFrame frame = frames.parse(message(CHANNEL_FIELD + ",\"client_id\":\"" + clientId + "\"," + CONTENT_FIELD));

        assertThat(((ClientFrame.Send) frame).clientId()).isEqualTo(clientId).hasSize(64);
    }

    @Test
    void contentKeepsUnicodeAndEscapes() throws FrameException {
        ClientFrame frame = frames.parse(message(CHANNEL_FIELD + "," + CLIENT_FIELD
                + ",\"content\":\"h\\u00e9 \\\"x\\\"\""));

        assertThat(((ClientFrame.Send) frame).content()).isEqualTo("hé \"x\"");
    }

    @Test
    void channelIdInUpperCaseIsAccepted() throws FrameException {
        ClientFrame frame = frames.parse(message("\"channel_id\":\"" + CHANNEL.toUpperCase() + "\","
                + CLIENT_FIELD + "," + CONTENT_FIELD));

        assertThat(((ClientFrame.Send) frame).channelId()).isEqualTo(UUID.fromString(CHANNEL));
    }

    @Test
    void unknownFieldsAreIgnored() throws FrameException {
        ClientFrame frame = frames.parse(message(CHANNEL_FIELD + "," + CLIENT_FIELD + "," + CONTENT_FIELD
                + ",\"seq\":5,\"extra\":{\"a\":[1]}"));

        assertThat(frame).isEqualTo(new ClientFrame.Send(UUID.fromString(CHANNEL), "c1", "hello", "text"));
    }

    @Test
    void typingStartDecodesChannelAndStart() throws FrameException {
        ClientFrame frame = frames.parse("{\"type\":\"typing_start\",\"channel_id\":\"" + CHANNEL + "\"}");

        assertThat(frame).isEqualTo(new ClientFrame.Typing(UUID.fromString(CHANNEL), true));
    }

    @Test
    void typingStopDecodesChannelAndStop() throws FrameException {
        ClientFrame frame = frames.parse("{\"type\":\"typing_stop\",\"channel_id\":\"" + CHANNEL + "\"}");

        assertThat(frame).isEqualTo(new ClientFrame.Typing(UUID.fromString(CHANNEL), false));
    }

    @Test
    void heartbeatDecodes() throws FrameException {
        assertThat(frames.parse("{\"type\":\"heartbeat\"}")).isEqualTo(new ClientFrame.Heartbeat());
    }

    @Test
    void subscribePresenceDecodesUserIdsInOrder() throws FrameException {
        ClientFrame frame = frames.parse("{\"type\":\"subscribe_presence\",\"user_ids\":[3,1,"
                + Long.MAX_VALUE + "]}");

        assertThat(frame).isEqualTo(new ClientFrame.SubscribePresence(List.of(3L, 1L, Long.MAX_VALUE)));
    }

    @Test
    void subscribePresenceAcceptsEmptyList() throws FrameException {
        ClientFrame frame = frames.parse("{\"type\":\"subscribe_presence\",\"user_ids\":[]}");

        assertThat(((ClientFrame.SubscribePresence) frame).userIds()).isEmpty();
    }

    @Test
    void subscribePresenceUserIdsCannotBeModified() throws FrameException {
        ClientFrame.SubscribePresence frame = (ClientFrame.SubscribePresence) frames.parse(
                "{\"type\":\"subscribe_presence\",\"user_ids\":[1]}");

        assertThat(catchThrowableOfType(UnsupportedOperationException.class, () -> frame.userIds().add(2L)))
                .isNotNull();
    }

    @Test
    void resumeCarriesChannelEpochAndSeq() throws Exception {
        ClientFrame frame = frames.parse("{\"type\":\"resume\",\"channel_id\":\"6f1c1a52-0b0a-4f7e-9b8c-3d7b1f2a9e10\","
                + "\"epoch\":\"e1\",\"after_seq\":41}");

        assertThat(frame).isEqualTo(new ClientFrame.Resume(java.util.UUID.fromString("6f1c1a52-0b0a-4f7e-9b8c-3d7b1f2a9e10"),
                "e1", 41));
    }

    @Test
    void resumeWithoutEpochMeansNothingSeenYetAndBadSeqsAreRefused() throws Exception {
        String channel = "\"channel_id\":\"6f1c1a52-0b0a-4f7e-9b8c-3d7b1f2a9e10\"";
        assertThat(((ClientFrame.Resume) frames.parse("{\"type\":\"resume\"," + channel + ",\"epoch\":null,\"after_seq\":0}"))
                .epoch()).isNull();
        assertThat(catchThrowableOfType(FrameException.class,
                () -> frames.parse("{\"type\":\"resume\"," + channel + ",\"epoch\":\"e1\",\"after_seq\":-1}")).code())
                .isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(catchThrowableOfType(FrameException.class,
                () -> frames.parse("{\"type\":\"resume\"," + channel + ",\"epoch\":\"e1\"}")).code())
                .isEqualTo(ErrorCode.MISSING_FIELD);
        assertThat(catchThrowableOfType(FrameException.class,
                () -> frames.parse("{\"type\":\"resume\"," + channel + ",\"epoch\":7,\"after_seq\":1}")).code())
                .isEqualTo(ErrorCode.INVALID_FIELD);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"a\\u0000b", "\\ud800", "x\\udc00y", "bell\\u0007"})
    void contentWithNulUnpairedSurrogatesOrControlsIsInvalidAndKeepsTheClientId(String escaped) {
        FrameException e = org.junit.jupiter.api.Assertions.assertThrows(FrameException.class, () -> frames.parse(message(
                "\"client_id\":\"c1\",\"channel_id\":\"" + CHANNEL + "\",\"content\":\"" + escaped + "\"")));

        org.assertj.core.api.Assertions.assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
        org.assertj.core.api.Assertions.assertThat(e.toFrame().clientId()).isEqualTo("c1");
    }

    @org.junit.jupiter.api.Test
    void contentKeepsTabsNewlinesAndPairedSurrogates() throws Exception {
        ClientFrame frame = frames.parse(message("\"client_id\":\"c1\",\"channel_id\":\"" + CHANNEL
                + "\",\"content\":\"a\\tb\\n\\ud83d\\ude00\""));

        org.assertj.core.api.Assertions.assertThat(((ClientFrame.Send) frame).content()).isEqualTo("a\tb\n\uD83D\uDE00");
    }

    @org.junit.jupiter.api.Test
    void aClientIdWithANulIsInvalid() {
        FrameException e = org.junit.jupiter.api.Assertions.assertThrows(FrameException.class, () -> frames.parse(message(
                "\"client_id\":\"c\\u0000\",\"channel_id\":\"" + CHANNEL + "\",\"content\":\"x\"")));

        org.assertj.core.api.Assertions.assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
    }
}
