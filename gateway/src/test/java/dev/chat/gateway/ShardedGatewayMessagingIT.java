package dev.chat.gateway;

import java.util.Map;
import java.util.UUID;

import dev.chat.common.channel.ChannelKeys;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.RedisConnection;
import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link GatewayMessagingIT} again with both gateways and the persister on the local Redis Cluster
 * (three masters): channel keys and the channel's Pub/Sub on the master of its hash tag, fan-out by
 * SPUBLISH/SSUBSCRIBE. Also checks that the sockets' channel is really a shard channel of the
 * cluster and nothing listens for it on the single node.
 */
class ShardedGatewayMessagingIT extends GatewayMessagingIT {

    @Override
    boolean sharded() {
        return true;
    }

    @Test
    void aConnectedMembersChannelIsAShardChannelOfTheClusterAndItsStateLivesThere() {
        Fixtures fixtures = stack().fixtures();
        long alice = fixtures.user("alice");
        UUID group = fixtures.channel("group", alice);
        try (ChatClient phone = ChatClient.connect(stack().a().port(), fixtures.token(alice));
             RedisConnection cluster = RedisConnection.open("test", BackendSettings.create(fixtures.config(Map.of())));
             RedisConnection single = RedisConnection.open("test", BackendSettings.create(
                     new Fixtures().config(Map.of())))) {
            phone.send(Map.of("type", "message", "channel_id", group.toString(), "client_id", "c-1", "content", "hi"));
            phone.await(f -> "ack".equals(f.path("type").asText()), java.time.Duration.ofSeconds(20));

            String topic = ChannelKeys.topic(group);
            assertThat(cluster.client().getShardedTopic(topic, StringCodec.INSTANCE).countSubscribers())
                    .as("SSUBSCRIBE on the cluster (one per gateway with a member socket)").isEqualTo(1);
            assertThat(single.client().getTopic(topic, StringCodec.INSTANCE).countSubscribers())
                    .as("nothing on the single node").isZero();
            assertThat(cluster.client().getMap(ChannelKeys.state(group), StringCodec.INSTANCE).get("seq"))
                    .isEqualTo("1");
            assertThat(single.client().getKeys().countExists(ChannelKeys.state(group))).isZero();
        }
    }
}
