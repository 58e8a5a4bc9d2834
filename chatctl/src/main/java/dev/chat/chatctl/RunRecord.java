package dev.chat.chatctl;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.chat.common.wire.Json;

/**
 * What the clients of a run saw, for {@code chatctl verify}: every send, every ack and every
 * delivery, as JSON Lines (one event per line, {@code kind} = sent, acked or received), so a run
 * that was cut short still leaves a readable record. Thread-safe appends; written once at the end.
 */
final class RunRecord {

    /** One thing a client saw. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = Sent.class, name = "sent"),
        @JsonSubTypes.Type(value = Acked.class, name = "acked"),
        @JsonSubTypes.Type(value = Received.class, name = "received")
    })
    sealed interface Event permits Sent, Acked, Received {
        UUID channelId();
    }

    /** A send attempt (retries of one client_id repeat it). */
    record Sent(UUID channelId, long senderId, String clientId) implements Event {
    }

    /** The sender's ack: the message is durable. */
    record Acked(UUID channelId, long senderId, String clientId, UUID messageId, long seq, String epoch) implements Event {
    }

    /** A delivery to a member's socket. */
    record Received(UUID channelId, long userId, long senderId, String clientId, UUID messageId, long seq, String epoch)
            implements Event {
    }

    private final List<Event> events = new ArrayList<>();

    synchronized void add(Event event) {
        events.add(event);
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** Writes the record as JSON Lines. */
    synchronized void write(Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Event event : events) {
                out.write(Json.encode(event));
                out.newLine();
            }
        }
    }

    /**
     * @param file a record written by {@link #write}
     * @return its events
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException naming the first line that is not an event
     */
    static List<Event> read(Path file) throws IOException {
        List<Event> events = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    events.add(Json.decode(line, Event.class));
                } catch (IOException | RuntimeException e) {
                    throw new IllegalArgumentException(file + " line " + number + " is not a run event: " + e.getMessage(), e);
                }
            }
        }
        return events;
    }
}
