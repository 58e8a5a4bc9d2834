package dev.chat.chatctl;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The fields of a server frame the bench looks at, read with Jackson's streaming parser (top-level
 * scalars only; nested objects are skipped) instead of building a tree for every delivery: the
 * load generator shares the machine with the system it measures, so what it spends per frame is
 * taken from the stack.
 *
 * @param type      the frame's type
 * @param channelId channel_id, or null
 * @param senderId  sender_id, or 0
 * @param clientId  client_id, or null
 * @param messageId message_id, or null
 * @param seq       seq, or 0
 * @param epoch     epoch, or null
 * @param content   content, or null
 * @param createdAt created_at (ISO-8601), or null
 */
record BenchFrame(String type, String channelId, long senderId, String clientId, String messageId, long seq,
                  String epoch, String content, String createdAt) {

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * @param text a frame's JSON
     * @return its fields
     * @throws IOException if it is not a JSON object
     */
    static BenchFrame parse(String text) throws IOException {
        String type = null;
        String channelId = null;
        long senderId = 0;
        String clientId = null;
        String messageId = null;
        long seq = 0;
        String epoch = null;
        String content = null;
        String createdAt = null;
        try (JsonParser parser = JSON.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    parser.skipChildren();
                    continue;
                }
                switch (field) {
                    case "type" -> type = parser.getValueAsString();
                    case "channel_id" -> channelId = parser.getValueAsString();
                    case "sender_id" -> senderId = parser.getValueAsLong();
                    case "client_id" -> clientId = parser.getValueAsString();
                    case "message_id" -> messageId = parser.getValueAsString();
                    case "seq" -> seq = parser.getValueAsLong();
                    case "epoch" -> epoch = parser.getValueAsString();
                    case "content" -> content = parser.getValueAsString();
                    case "created_at" -> createdAt = parser.getValueAsString();
                    default -> {
                        // not measured
                    }
                }
            }
        }
        return new BenchFrame(type, channelId, senderId, clientId, messageId, seq, epoch, content, createdAt);
    }
}
