package dev.chat.gateway;

/**
 * {@link ChannelSequenceIT} again with both gateways and the persister on the local Redis Cluster (three
 * masters): channel keys and the channel's Pub/Sub on the master of its hash tag, fan-out by
 * SPUBLISH/SSUBSCRIBE.
 */
class ShardedChannelSequenceIT extends ChannelSequenceIT {

    @Override
    boolean sharded() {
        return true;
    }
}
