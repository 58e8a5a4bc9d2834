package dev.chat.common.wire;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class JsonTest {

    private static final UUID CHANNEL = UUID.fromString("6f1c1a52-0b0a-4f7e-9b8c-3d7b1f2a9e10");
    private static final UUID MESSAGE = UUID.fromString("7c85f3a0-eb3a-11f1-8968-ddc5d4614c1d");
    private static final Instant CREATED = Instant.parse("2024-05-01T12:34:56.789Z");

    private static final ChatMessage CHAT_MESSAGE =
            new ChatMessage(CHANNEL, MESSAGE, 42L, "c-1", "hello ✓ 😀", "text", CREATED, 7L, "e1");

    /** Each server event, its {@code type} and exactly the fields it must encode. */
    static Stream<Arguments> events() {
        return Stream.of(
                arguments(new Ack("c-1", CHANNEL, MESSAGE, CREATED, 7L, "e1"), "ack",
                        List.of("client_id", "channel_id", "message_id", "created_at", "seq", "epoch")),
                arguments(CHAT_MESSAGE, "message",
                        List.of("channel_id", "message_id", "sender_id", "client_id", "content", "msg_type",
                                "created_at", "seq", "epoch")),
                arguments(new TypingEvent(CHANNEL, 7L, "start", 5000L), "typing",
                        List.of("channel_id", "user_id", "state", "expires_in_ms")),
                arguments(new ReadReceipt(CHANNEL, 7L, MESSAGE), "read_receipt",
                        List.of("channel_id", "user_id", "last_read_message_id")),
                arguments(new PresenceEvent(7L, "online", CREATED), "presence",
                        List.of("user_id", "status", "last_seen_at")),
                arguments(new MemberJoined(CHANNEL, 7L), "member_joined",
                        List.of("channel_id", "user_id")),
                arguments(new ErrorFrame(ErrorCode.TOO_LARGE, "too long", "c-1"), "error",
                        List.of("code", "message", "client_id")));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("events")
    void eventEncodesTypeAndSnakeCaseFields(ServerEvent event, String type, List<String> fields) throws Exception {
        JsonNode node = Json.tree(Json.encode(event));

        assertThat(node.path("type").asText()).isEqualTo(type);
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        List<String> expected = new ArrayList<>(fields);
        expected.add("type");
        assertThat(names).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("events")
    void eventRoundTripsThroughServerEvent(ServerEvent event, String type, List<String> fields) throws Exception {
        ServerEvent decoded = Json.decode(Json.encode(event), ServerEvent.class);

        assertThat(decoded).isEqualTo(event).hasSameClassAs(event);
    }

    @Test
    void chatMessageEncodesEveryValue() throws Exception {
        JsonNode node = Json.tree(Json.encode(CHAT_MESSAGE));

        assertThat(node.get("type").asText()).isEqualTo("message");
        assertThat(node.get("channel_id").asText()).isEqualTo(CHANNEL.toString());
        assertThat(node.get("message_id").asText()).isEqualTo(MESSAGE.toString());
        assertThat(node.get("sender_id").isIntegralNumber()).isTrue();
        assertThat(node.get("sender_id").asLong()).isEqualTo(42L);
        assertThat(node.get("client_id").asText()).isEqualTo("c-1");
        assertThat(node.get("content").asText()).isEqualTo("hello ✓ 😀");
        assertThat(node.get("msg_type").asText()).isEqualTo("text");
        assertThat(node.get("created_at").asText()).isEqualTo("2024-05-01T12:34:56.789Z");
    }

    @Test
    void instantsAreIso8601TextNotNumbers() throws Exception {
        JsonNode node = Json.tree(Json.encode(new Ack("c-1", CHANNEL, MESSAGE, Instant.parse("2024-05-01T12:34:56Z"), 1L, "e1")));

        assertThat(node.get("created_at").isTextual()).isTrue();
        assertThat(node.get("created_at").asText()).isEqualTo("2024-05-01T12:34:56Z");
    }

    @Test
    void chatMessageRoundTripsAsServerEvent() throws Exception {
        ServerEvent decoded = Json.decode(Json.encode(CHAT_MESSAGE), ServerEvent.class);

        assertThat(decoded).isInstanceOf(ChatMessage.class).isEqualTo(CHAT_MESSAGE);
    }

    @Test
    void chatMessageRoundTripsAsChatMessage() throws Exception {
        ChatMessage decoded = Json.decode(Json.encode(CHAT_MESSAGE), ChatMessage.class);

        assertThat(decoded).isEqualTo(CHAT_MESSAGE);
    }

    @Test
    void instantWithNanosecondsRoundTrips() throws Exception {
        ChatMessage message = new ChatMessage(CHANNEL, MESSAGE, 1L, "c", "x", "file",
                Instant.parse("2024-05-01T12:34:56.123456789Z"), 1L, "e1");

        assertThat(Json.decode(Json.encode(message), ChatMessage.class).createdAt()).isEqualTo(message.createdAt());
    }

    @Test
    void chatMessageDecodesFromSnakeCaseTextWrittenByHand() throws Exception {
        String text = """
                {"type":"message","channel_id":"6f1c1a52-0b0a-4f7e-9b8c-3d7b1f2a9e10",
                 "message_id":"7c85f3a0-eb3a-11f1-8968-ddc5d4614c1d","sender_id":42,"client_id":"c-1",
                 "content":"hello ✓ 😀","msg_type":"text","created_at":"2024-05-01T12:34:56.789Z",
                 "seq":7,"epoch":"e1"}""";

        assertThat(Json.decode(text, ServerEvent.class)).isEqualTo(CHAT_MESSAGE);
    }

    @Test
    void unknownFieldsAreIgnoredOnDecode() throws Exception {
        String text = Json.encode(CHAT_MESSAGE).replaceFirst("\\{", "{\"edited_at\":null,\"reactions\":[],");

        assertThat(Json.decode(text, ServerEvent.class)).isEqualTo(CHAT_MESSAGE);
    }

    @Test
    void presenceNeverSeenHasNoLastSeenAt() throws Exception {
        PresenceEvent never = new PresenceEvent(7L, "offline", null);
        String text = Json.encode(never);

        assertThat(Json.tree(text).hasNonNull("last_seen_at")).isFalse();
        assertThat(Json.decode(text, ServerEvent.class)).isEqualTo(never);
    }

    @Test
    void errorFromFrameExceptionEncodesCodeMessageAndClientId() throws Exception {
        JsonNode node = Json.tree(Json.encode(new FrameException(ErrorCode.TOO_LARGE, "too long", "c-9").toFrame()));

        assertThat(node.get("type").asText()).isEqualTo("error");
        assertThat(node.get("code").asText()).isEqualTo("too_large");
        assertThat(node.get("message").asText()).isEqualTo("too long");
        assertThat(node.get("client_id").asText()).isEqualTo("c-9");
    }

    @Test
    void errorNotAnsweringASendHasNoClientId() throws Exception {
        JsonNode node = Json.tree(Json.encode(new ErrorFrame(ErrorCode.BAD_JSON, "frame is not valid JSON", null)));

        assertThat(node.get("code").asText()).isEqualTo("bad_json");
        assertThat(node.hasNonNull("client_id")).isFalse();
    }

    @Test
    void decodingWithoutTypeFails() throws Exception {
        String text = Json.encode(CHAT_MESSAGE).replace("\"type\":\"message\",", "");

        assertThat(text).doesNotContain("\"type\"");
        assertThatThrownBy(() -> Json.decode(text, ServerEvent.class)).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void decodingUnknownTypeFails() {
        assertThatThrownBy(() -> Json.decode("{\"type\":\"shout\",\"user_id\":1}", ServerEvent.class))
                .isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void decodingAnAckAsChatMessageFails() {
        String ack = Json.encode(new Ack("c-1", CHANNEL, MESSAGE, CREATED, 7L, "e1"));

        assertThatThrownBy(() -> Json.decode(ack, ChatMessage.class)).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void treeOfInvalidJsonFails() {
        assertThatThrownBy(() -> Json.tree("{\"type\":")).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void treeReadsAnObject() throws Exception {
        JsonNode node = Json.tree("{\"type\":\"heartbeat\",\"n\":[1,2]}");

        assertThat(node.isObject()).isTrue();
        assertThat(node.get("type").asText()).isEqualTo("heartbeat");
        assertThat(node.get("n").size()).isEqualTo(2);
    }
}
