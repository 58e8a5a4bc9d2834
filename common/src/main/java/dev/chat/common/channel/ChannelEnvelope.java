package dev.chat.common.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.chat.common.wire.ChannelEvent;
import dev.chat.common.wire.Json;
import dev.chat.common.wire.ServerEvent;

/**
 * The text a channel event travels in through Redis (Pub/Sub and the recovery log): the
 * position header the per-channel step wrote, a space, and the event's draft as JSON. Gateways
 * decode it into the typed event once and encode the frame once for all their sockets.
 */
public final class ChannelEnvelope {

    private ChannelEnvelope() {
    }

    /**
     * @param payload a Pub/Sub payload
     * @return whether it is an envelope (else a plain JSON event: typing, read receipt, …)
     */
    public static boolean is(String payload) {
        return !payload.isEmpty() && payload.charAt(0) != '{';
    }

    /**
     * @param draft an event without position
     * @return its JSON as the script appends it
     */
    static String draft(ChannelEvent draft) {
        return Json.encode(draft);
    }

    /**
     * @param envelope an envelope
     * @return the event at its position
     * @throws IllegalArgumentException if it is not an envelope of a channel event
     */
    public static ChannelEvent decode(String envelope) {
        int space = 0;
        for (int i = 0; i < 5; i++) {
            space = envelope.indexOf(' ', space + 1);
            if (space < 0) {
                throw new IllegalArgumentException("not a channel envelope");
            }
        }
        ChannelPosition position = ChannelPosition.parse(envelope.substring(0, space));
        try {
            if (Json.decode(envelope.substring(space + 1), ServerEvent.class) instanceof ChannelEvent event) {
                return event.at(position);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a channel event: " + e.getOriginalMessage(), e);
        }
        throw new IllegalArgumentException("not a channel event");
    }
}
