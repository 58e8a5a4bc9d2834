package dev.chat.common.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Decodes and validates client frames, naming precisely what is wrong.
 *
 * @param maxContentChars      longest {@code content} accepted
 * @param maxPresenceUsers     most users one {@code subscribe_presence} may name
 */
public record ClientFrames(int maxContentChars, int maxPresenceUsers) {

    /**
     * The {@code content} of a message or an edit: present, not blank, well-formed text, at most
     * {@code maxContentChars}.
     *
     * @param node     the frame or body
     * @param clientId echoed in the error, may be null
     * @return the content
     * @throws FrameException {@code missing_field}, {@code invalid_field} or {@code too_large}
     */
    public String content(JsonNode node, String clientId) throws FrameException {
        String content = string(node, "content", clientId);
        if (content.isBlank()) {
            throw new FrameException(ErrorCode.INVALID_FIELD, "'content' is empty", clientId);
        }
        String contentProblem = TextRules.problem(content, true);
        if (contentProblem != null) {
            throw new FrameException(ErrorCode.INVALID_FIELD, "'content' " + contentProblem, clientId);
        }
        int characters = content.codePointCount(0, content.length());
        if (characters > maxContentChars) {
            throw new FrameException(ErrorCode.TOO_LARGE, "'content' has " + characters
                    + " characters; at most " + maxContentChars + " are allowed", clientId);
        }
        return content;
    }

    /** Longest client_id accepted (SPEC). */
    public static final int MAX_CLIENT_ID = 64;
    /** Longest epoch a resume may name (epochs are short; see RedisChannelSequencer). */
    public static final int MAX_EPOCH = 32;
    private static final Set<String> MSG_TYPES = Set.of("text", "image", "file");

    /**
     * @param text the frame's text
     * @return the decoded frame
     * @throws FrameException with the error code and a message naming the field
     */
    public ClientFrame parse(String text) throws FrameException {
        if (text == null) {
            throw new FrameException(ErrorCode.BAD_JSON, "empty frame", null);
        }
        JsonNode node;
        try {
            node = Json.tree(text);
        } catch (JsonProcessingException e) {
            throw new FrameException(ErrorCode.BAD_JSON, "frame is not valid JSON", null);
        }
        if (node == null || !node.isObject()) {
            throw new FrameException(ErrorCode.BAD_JSON, "frame must be a JSON object", null);
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw new FrameException(ErrorCode.UNKNOWN_TYPE, "frame has no string field 'type'", clientIdOf(node));
        }
        return switch (type.asText()) {
            case "message" -> send(node);
            case "typing_start" -> new ClientFrame.Typing(uuid(node, "channel_id", null), true);
            case "typing_stop" -> new ClientFrame.Typing(uuid(node, "channel_id", null), false);
            case "heartbeat" -> new ClientFrame.Heartbeat();
            case "subscribe_presence" -> subscribePresence(node);
            case "resume" -> resume(node);
            default -> throw new FrameException(ErrorCode.UNKNOWN_TYPE, "unknown frame type '" + type.asText()
                    + "' (message, typing_start, typing_stop, heartbeat, subscribe_presence, resume)", clientIdOf(node));
        };
    }

    /** @return the frame's client_id when it has a valid one (an error about the frame carries it), else null */
    private static String clientIdOf(JsonNode node) {
        JsonNode clientId = node.get("client_id");
        if (clientId == null || !clientId.isTextual() || clientId.asText().length() > MAX_CLIENT_ID) {
            return null;
        }
        return TextRules.problem(clientId.asText(), false) == null ? clientId.asText() : null;
    }

    private static final java.util.regex.Pattern CLIENT_ID =
            java.util.regex.Pattern.compile("\"client_id\"\\s*:\\s*\"([^\"\\\\]{1," + MAX_CLIENT_ID + "})\"");
    /** How much of a frame {@link #peekClientId} looks at. */
    private static final int PEEK_CHARS = 4096;

    /**
     * Finds a frame's {@code client_id} without parsing it, for errors that answer a frame before
     * (or instead of) parsing it: too large, rate limited. Looks at the first few KB only.
     *
     * @param frame the frame's text, or its first part
     * @return the client_id, or null if none is found cheaply
     */
    public static String peekClientId(CharSequence frame) {
        var matcher = CLIENT_ID.matcher(frame.subSequence(0, Math.min(frame.length(), PEEK_CHARS)));
        if (!matcher.find()) {
            return null;
        }
        String clientId = matcher.group(1);
        return TextRules.problem(clientId, false) == null ? clientId : null;
    }

    /**
     * Validates a message given as an object of its fields (the REST send uses the same rules).
     *
     * @param node {@code channel_id}, {@code client_id}, {@code content}, {@code msg_type}
     * @return the message
     * @throws FrameException with the error code and a message naming the field
     */
    public ClientFrame.Send message(JsonNode node) throws FrameException {
        return send(node);
    }

    private ClientFrame.Send send(JsonNode node) throws FrameException {
        JsonNode rawClientId = node.get("client_id");
        String clientId = rawClientId != null && rawClientId.isTextual() ? rawClientId.asText() : null;
        if (clientId == null) {
            boolean missing = rawClientId == null || rawClientId.isNull();
            throw new FrameException(missing ? ErrorCode.MISSING_FIELD : ErrorCode.INVALID_FIELD,
                    missing ? "'client_id' is missing" : "'client_id' must be a string", null);
        }
        if (clientId.isBlank() || clientId.length() > MAX_CLIENT_ID) {
            // not echoed: an error carries only a client_id the client could have used
            throw new FrameException(ErrorCode.INVALID_FIELD, "'client_id' must have 1 to " + MAX_CLIENT_ID
                    + " characters, not only spaces", null);
        }
        String clientIdProblem = TextRules.problem(clientId, false);
        if (clientIdProblem != null) {
            throw new FrameException(ErrorCode.INVALID_FIELD, "'client_id' " + clientIdProblem, null);
        }
        UUID channelId = uuid(node, "channel_id", clientId);
        String content = content(node, clientId);
        Attachment attachment = node.hasNonNull("attachment") ? attachment(node.get("attachment"), clientId) : null;
        String fallback = attachment == null ? "text" : attachment.contentType().startsWith("image/") ? "image" : "file";
        String msgType = node.hasNonNull("msg_type") ? string(node, "msg_type", clientId) : fallback;
        if (!MSG_TYPES.contains(msgType)) {
            throw new FrameException(ErrorCode.INVALID_FIELD, "'msg_type' must be text, image or file", clientId);
        }
        UUID replyTo = node.hasNonNull("reply_to") ? uuid(node, "reply_to", clientId) : null;
        if (replyTo != null && replyTo.version() != 1) {
            throw new FrameException(ErrorCode.INVALID_FIELD, "'reply_to' must be a message_id", clientId);
        }
        return new ClientFrame.Send(channelId, clientId, content, msgType, attachment, replyTo);
    }

    /** Largest image side accepted, in pixels. */
    private static final int MAX_PIXELS = 20_000;

    private static Attachment attachment(JsonNode node, String clientId) throws FrameException {
        if (!node.isObject()) {
            throw new FrameException(ErrorCode.INVALID_FIELD, "'attachment' must be an object {file_id, name, content_type, size}",
                    clientId);
        }
        UUID fileId = uuid(node, "file_id", clientId);
        String name = string(node, "name", clientId);
        String nameProblem = TextRules.problem(name, false);
        if (name.isBlank() || name.length() > 255 || nameProblem != null || name.contains("/")) {
            throw new FrameException(ErrorCode.INVALID_FIELD, "'attachment.name' must be a file name of 1 to 255 characters", clientId);
        }
        String contentType = string(node, "content_type", clientId);
        if (!contentType.matches("[a-z]+/[a-z0-9.+-]+") || contentType.length() > 100) {
            throw new FrameException(ErrorCode.INVALID_FIELD, "'attachment.content_type' is not a media type", clientId);
        }
        JsonNode size = node.get("size");
        if (size == null || !size.canConvertToLong() || size.asLong() < 1) {
            throw new FrameException(ErrorCode.INVALID_FIELD, "'attachment.size' must be a positive number of bytes", clientId);
        }
        return new Attachment(fileId, name, contentType, size.asLong(), pixels(node, "width", clientId), pixels(node, "height", clientId));
    }

    private static Integer pixels(JsonNode node, String field, String clientId) throws FrameException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToInt() || value.asInt() < 1 || value.asInt() > MAX_PIXELS) {
            throw new FrameException(ErrorCode.INVALID_FIELD, "'attachment." + field + "' must be 1 to " + MAX_PIXELS + " pixels",
                    clientId);
        }
        return value.asInt();
    }

    private static ClientFrame.Resume resume(JsonNode node) throws FrameException {
        UUID channelId = uuid(node, "channel_id", null);
        JsonNode epoch = node.get("epoch");
        if (epoch != null && !epoch.isNull() && (!epoch.isTextual() || epoch.asText().length() > MAX_EPOCH)) {
            throw new FrameException(ErrorCode.INVALID_FIELD, "'epoch' must be a string of at most " + MAX_EPOCH
                    + " characters (or null)", null);
        }
        JsonNode afterSeq = node.get("after_seq");
        if (afterSeq == null || afterSeq.isNull()) {
            throw new FrameException(ErrorCode.MISSING_FIELD, "'after_seq' is missing", null);
        }
        if (!afterSeq.isIntegralNumber() || !afterSeq.canConvertToLong() || afterSeq.asLong() < 0) {
            throw new FrameException(ErrorCode.INVALID_FIELD, "'after_seq' must be an integer >= 0", null);
        }
        String epochText = epoch == null || epoch.isNull() || epoch.asText().isEmpty() ? null : epoch.asText();
        return new ClientFrame.Resume(channelId, epochText, afterSeq.asLong());
    }

    private ClientFrame.SubscribePresence subscribePresence(JsonNode node) throws FrameException {
        JsonNode ids = node.get("user_ids");
        if (ids == null || ids.isNull()) {
            throw new FrameException(ErrorCode.MISSING_FIELD, "'user_ids' is missing", null);
        }
        if (!ids.isArray()) {
            throw new FrameException(ErrorCode.INVALID_FIELD, "'user_ids' must be an array of user ids", null);
        }
        if (ids.size() > maxPresenceUsers) {
            throw new FrameException(ErrorCode.TOO_LARGE, "'user_ids' names " + ids.size() + " users; at most "
                    + maxPresenceUsers + " are allowed", null);
        }
        List<Long> userIds = new ArrayList<>();
        for (JsonNode id : ids) {
            if (!id.canConvertToLong() || !id.isIntegralNumber()) {
                throw new FrameException(ErrorCode.INVALID_FIELD, "'user_ids' must hold integers", null);
            }
            userIds.add(id.asLong());
        }
        return new ClientFrame.SubscribePresence(List.copyOf(userIds));
    }

    private static String string(JsonNode node, String field, String clientId) throws FrameException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new FrameException(ErrorCode.MISSING_FIELD, "'" + field + "' is missing", clientId);
        }
        if (!value.isTextual()) {
            throw new FrameException(ErrorCode.INVALID_FIELD, "'" + field + "' must be a string", clientId);
        }
        return value.asText();
    }

    private static UUID uuid(JsonNode node, String field, String clientId) throws FrameException {
        String text = string(node, field, clientId);
        try {
            UUID uuid = UUID.fromString(text);
            if (!uuid.toString().equalsIgnoreCase(text)) {
                throw new IllegalArgumentException(text);
            }
            return uuid;
        } catch (IllegalArgumentException e) {
            throw new FrameException(ErrorCode.INVALID_FIELD, "'" + field + "' must be a UUID", clientId);
        }
    }
}
