package dev.chat.common.runtime;

import dev.chat.common.channel.ChannelKeys;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Which kind of Redis Pub/Sub each topic uses. With {@code redis.sharded}, a channel's topic and a
 * user's presence topic are shard channels ({@code SPUBLISH}/{@code SSUBSCRIBE}): in a Redis
 * Cluster they travel only through the master that owns their hash slot, so fan-out spreads over
 * the cluster instead of every message crossing every node. The memberships topic, which every
 * gateway follows, stays plain Pub/Sub (a cluster broadcasts it to every node). Thread-safe.
 */
public final class PubSubTopics {

    private final RedissonClient redis;
    private final boolean sharded;

    /**
     * @param redis   the client
     * @param sharded whether per-channel and per-user topics are shard channels
     */
    public PubSubTopics(RedissonClient redis, boolean sharded) {
        this.redis = redis;
        this.sharded = sharded;
    }

    /**
     * @param name a topic name from {@link ChannelKeys}
     * @return the topic, sharded or not as its kind and the configuration say
     */
    public RTopic topic(String name) {
        return sharded && !name.equals(ChannelKeys.MEMBERSHIPS)
                ? redis.getShardedTopic(name, StringCodec.INSTANCE)
                : redis.getTopic(name, StringCodec.INSTANCE);
    }

    /** @return the command the per-channel script publishes a channel's events with */
    public String channelPublishCommand() {
        return sharded ? "SPUBLISH" : "PUBLISH";
    }
}
