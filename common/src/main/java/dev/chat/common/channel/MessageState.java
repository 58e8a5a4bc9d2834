package dev.chat.common.channel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the changes of a message are decided on: who sent it, whether it is deleted, who reacted
 * with what. The per-channel step keeps it for recent messages; for an older one the caller reads
 * it from history (Cassandra) and hands it over when the step answers
 * {@link ChannelSequencer.Refusal#UNKNOWN}.
 *
 * @param senderId  who sent the message
 * @param fileId    the id of the file it carries, null for none
 * @param deleted   whether it is deleted
 * @param reactions each emoji and the users who reacted with it
 */
public record MessageState(long senderId, String fileId, boolean deleted, Map<String, Set<Long>> reactions) {

    /** Most different emoji on one message. */
    public static final int MAX_DISTINCT_EMOJI = 20;

    /** Copies the map. */
    public MessageState {
        reactions = Map.copyOf(reactions);
    }

    /**
     * @param node the message_id's lower half
     * @return the state as the Lua script's (field, value) pairs
     */
    List<String> fields(long node) {
        List<String> fields = new ArrayList<>(List.of("s", Long.toString(senderId), "n", Long.toHexString(node)));
        if (fileId != null) {
            fields.addAll(List.of("f", fileId));
        }
        if (deleted) {
            fields.addAll(List.of("d", "1"));
        }
        reactions.forEach((emoji, users) -> {
            if (!users.isEmpty()) {
                users.forEach(user -> fields.addAll(List.of("r:" + emoji + ":" + user, "1")));
                fields.addAll(List.of("c:" + emoji, Integer.toString(users.size())));
            }
        });
        return fields;
    }
}
