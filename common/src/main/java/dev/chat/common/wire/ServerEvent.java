package dev.chat.common.wire;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A frame the server sends to a client (and the payload gateways exchange through Redis).
 * Encoded with its {@code type} field, as in the SPEC's WebSocket protocol.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Ack.class, name = "ack"),
    @JsonSubTypes.Type(value = ChatMessage.class, name = "message"),
    @JsonSubTypes.Type(value = MessageUpdated.class, name = "message_updated"),
    @JsonSubTypes.Type(value = MessageDeleted.class, name = "message_deleted"),
    @JsonSubTypes.Type(value = Reaction.class, name = "reaction"),
    @JsonSubTypes.Type(value = TypingEvent.class, name = "typing"),
    @JsonSubTypes.Type(value = ReadReceipt.class, name = "read_receipt"),
    @JsonSubTypes.Type(value = PresenceEvent.class, name = "presence"),
    @JsonSubTypes.Type(value = MemberJoined.class, name = "member_joined"),
    @JsonSubTypes.Type(value = MemberLeft.class, name = "member_left"),
    @JsonSubTypes.Type(value = ChannelUpdated.class, name = "channel_updated"),
    @JsonSubTypes.Type(value = AccessChanged.class, name = "access_changed"),
    @JsonSubTypes.Type(value = Kick.class, name = "kick"),
    @JsonSubTypes.Type(value = Drain.class, name = "drain"),
    @JsonSubTypes.Type(value = ErrorFrame.class, name = "error"),
    @JsonSubTypes.Type(value = Hello.class, name = "hello"),
    @JsonSubTypes.Type(value = Resumed.class, name = "resumed"),
    @JsonSubTypes.Type(value = Resync.class, name = "resync")
})
public sealed interface ServerEvent permits Ack, ChannelEvent, TypingEvent, ReadReceipt, PresenceEvent, MemberJoined, MemberLeft,
        ChannelUpdated, AccessChanged, Kick, Drain, ErrorFrame, Hello, Resumed, Resync {
}
