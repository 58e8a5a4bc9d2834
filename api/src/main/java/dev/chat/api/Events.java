package dev.chat.api;

import java.util.UUID;

import dev.chat.common.channel.ChannelKeys;
import dev.chat.common.runtime.PubSubTopics;
import dev.chat.common.wire.AccessChanged;
import dev.chat.common.wire.ChannelUpdated;
import dev.chat.common.wire.Json;
import dev.chat.common.wire.MemberJoined;
import dev.chat.common.wire.MemberLeft;
import dev.chat.common.wire.ReadReceipt;
import dev.chat.common.wire.ServerEvent;

/**
 * Publishes the api's real-time events through the gateways' Redis topics: {@code member_joined}
 * on the channel (members see it) and on {@code memberships} (gateways subscribe the new member's
 * sockets), {@code read_receipt} on the channel, {@code access_changed} on {@code memberships} (a
 * block was set or lifted: gateways reload what they cached about the user), {@code channel_updated}
 * on the channel (renamed). Best effort: clients
 * converge through the api.
 * Thread-safe.
 */
final class Events {

    private static final System.Logger LOG = System.getLogger(Events.class.getName());

    private final PubSubTopics topics;

    Events(PubSubTopics topics) {
        this.topics = topics;
    }

    void memberJoined(UUID channelId, long userId, boolean announce) {
        MemberJoined event = new MemberJoined(channelId, userId);
        publish(ChannelKeys.MEMBERSHIPS, event);
        if (announce) {
            publish(ChannelKeys.topic(channelId), event);
        }
    }

    void memberLeft(UUID channelId, long userId) {
        MemberLeft event = new MemberLeft(channelId, userId);
        publish(ChannelKeys.topic(channelId), event);
        publish(ChannelKeys.MEMBERSHIPS, event);
    }

    void channelUpdated(UUID channelId, String name, boolean anyoneCanAdd, long updatedBy) {
        publish(ChannelKeys.topic(channelId), new ChannelUpdated(channelId, name, anyoneCanAdd, updatedBy));
    }

    void accessChanged(long userId) {
        publish(ChannelKeys.MEMBERSHIPS, new AccessChanged(userId));
    }

    void readReceipt(UUID channelId, long userId, UUID lastRead) {
        publish(ChannelKeys.topic(channelId), new ReadReceipt(channelId, userId, lastRead));
    }

    private void publish(String topic, ServerEvent event) {
        try {
            topics.topic(topic).publish(Json.encode(event));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "api: publishing {0} failed: {1}", topic, e.getMessage());
        }
    }
}
