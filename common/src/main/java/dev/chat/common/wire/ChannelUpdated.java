package dev.chat.common.wire;

import java.util.UUID;

/**
 * A group was renamed or its "anyone can add" setting changed; its members' clients update their
 * channel list and title.
 *
 * @param channelId    the channel
 * @param name         its name now
 * @param anyoneCanAdd whether every member may add members now
 * @param updatedBy    who changed it
 */
public record ChannelUpdated(UUID channelId, String name, boolean anyoneCanAdd, long updatedBy) implements ServerEvent {
}
