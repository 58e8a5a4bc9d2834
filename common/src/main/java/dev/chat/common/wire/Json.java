package dev.chat.common.wire;

import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one JSON codec for WebSocket frames, Kafka records and Redis payloads: snake_case field
 * names, ISO-8601 instants, unknown fields ignored (newer peers may add some). Thread-safe.
 */
public final class Json {

    // Jackson's default keeps parser buffers (~16 KiB of char[] and byte[]) in a ThreadLocal per
    // thread; a gateway parses each socket's frames on that socket's own virtual thread, so every
    // connection kept its own set for life. A shared pool keeps a few sets for the whole process.
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
            .build())
            .registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // "{...} garbage" is not a frame
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    /**
     * @param value a record of this package
     * @return its JSON text
     */
    public static String encode(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * @param text JSON text
     * @param type record type
     * @param <T>  the type
     * @return the decoded value
     * @throws JsonProcessingException if the text is not JSON of that shape
     */
    public static <T> T decode(String text, Class<T> type) throws JsonProcessingException {
        return MAPPER.readValue(text, type);
    }

    /**
     * @param text JSON text
     * @return its tree
     * @throws JsonProcessingException if the text is not JSON
     */
    public static JsonNode tree(String text) throws JsonProcessingException {
        return MAPPER.readTree(text);
    }
}
