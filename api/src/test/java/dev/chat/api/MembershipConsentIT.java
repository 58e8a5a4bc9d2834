package dev.chat.api;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.channel.ChannelKeys;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.RedisConnection;
import dev.chat.common.wire.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may put whom into a channel, on the real stack: owners (and administrators) add members,
 * others only where the group allows it; a request adds a bounded number of members; a block stops
 * direct channels and invitations, and tells the gateways ({@code access_changed}).
 */
class MembershipConsentIT {

    private static ApiFixture api;

    @BeforeAll
    static void start() {
        api = new ApiFixture(Map.of("api.maxmembersperrequest", "4"));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void theOwnerAndAdministratorsAddMembersOtherMembersOnlyWhereTheGroupAllowsIt() {
        long owner = api.user("owner");
        long member = api.user("member");
        long newcomer = api.user("newcomer");
        long another = api.user("another");
        UUID closed = api.channel(owner, List.of(owner, member));

        ApiFixture.Response refused = addMember(closed, member, newcomer);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().path("detail").asText()).contains("owner").contains("anyone_can_add");
        assertThat(addMember(closed, owner, newcomer).status()).isEqualTo(200);
        assertThat(addMember(closed, api.admin(), another).status()).as("an administrator, not a member").isEqualTo(200);

        ApiFixture.Response open = api.call("POST", "/api/v1/channels", owner,
                Map.of("name", "open", "type", "group", "member_ids", List.of(owner, member), "anyone_can_add", true));
        assertThat(open.status()).isEqualTo(201);
        UUID openId = UUID.fromString(open.json().path("channel_id").asText());
        assertThat(addMember(openId, member, newcomer).status()).isEqualTo(200);
        assertThat(addMember(openId, newcomer, api.user("outsider")).status()).as("any member, once in").isEqualTo(200);

        assertThat(api.call("POST", "/api/v1/channels", owner,
                Map.of("name", "bad", "type", "group", "member_ids", List.of(owner), "anyone_can_add", "yes")).status())
                .isEqualTo(400);
    }

    @Test
    void oneRequestPutsAtMostTheConfiguredNumberOfMembersIntoAChannel() {
        long creator = api.user("creator");
        List<Long> four = List.of(creator, api.user("a"), api.user("b"), api.user("c"));
        List<Long> five = List.of(creator, api.user("d"), api.user("e"), api.user("f"), api.user("g"));
        ApiFixture.Response tooMany = api.call("POST", "/api/v1/channels", creator, Map.of("name", "big", "type", "group", "member_ids", five));
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().path("detail").asText()).contains("at most 4");
        assertThat(api.call("POST", "/api/v1/channels", creator, Map.of("name", "ok", "type", "group", "member_ids", four)).status())
                .isEqualTo(201);
    }

    @Test
    void aBlockStopsDirectChannelsAndInvitationsInBothDirectionsUntilItIsLifted() throws Exception {
        long blocker = api.user("blocker");
        long pest = api.user("pest");
        long friend = api.user("friend");
        try (RedisConnection redis = RedisConnection.open("test", BackendSettings.create(api.config()))) {
            LinkedBlockingQueue<String> memberships = new LinkedBlockingQueue<>();
            var topic = redis.client().getTopic(ChannelKeys.MEMBERSHIPS, StringCodec.INSTANCE);
            int listener = topic.addListener(String.class, (channel, payload) -> memberships.add(payload));
            try {
                assertThat(api.call("PUT", "/api/v1/blocks/" + pest, blocker, null).status()).isEqualTo(204);
                assertThat(accessChanged(memberships)).containsExactlyInAnyOrder(blocker, pest);
            } finally {
                topic.removeListener(listener);
            }
        }
        assertThat(api.call("PUT", "/api/v1/blocks/" + pest, blocker, null).status()).as("idempotent").isEqualTo(204);
        assertThat(api.call("GET", "/api/v1/blocks", blocker, null).json().path("user_ids").toString()).isEqualTo("[" + pest + "]");

        ApiFixture.Response direct = api.call("POST", "/api/v1/channels", pest, Map.of("type", "direct", "member_ids", List.of(pest, blocker)));
        assertThat(direct.status()).isEqualTo(403);
        assertThat(direct.json().path("detail").asText()).contains("blocks");
        assertThat(api.call("POST", "/api/v1/channels", blocker, Map.of("type", "direct", "member_ids", List.of(blocker, pest))).status())
                .as("the blocker cannot open one either").isEqualTo(403);
        assertThat(api.call("POST", "/api/v1/channels", pest, Map.of("name", "g", "type", "group", "member_ids", List.of(pest, friend, blocker)))
                .status()).isEqualTo(403);
        UUID pestsGroup = api.channel(pest, List.of(pest, friend));
        assertThat(addMember(pestsGroup, pest, blocker).status()).isEqualTo(403);
        assertThat(api.call("GET", "/api/v1/channels", blocker, null).json().path("channels").size()).as("nothing was created").isZero();

        assertThat(api.call("PUT", "/api/v1/blocks/" + blocker, blocker, null).status()).isEqualTo(400);
        assertThat(api.call("PUT", "/api/v1/blocks/999999999", blocker, null).status()).isEqualTo(404);

        assertThat(api.call("DELETE", "/api/v1/blocks/" + pest, blocker, null).status()).isEqualTo(204);
        assertThat(api.call("DELETE", "/api/v1/blocks/" + pest, blocker, null).status()).as("idempotent").isEqualTo(204);
        assertThat(api.call("GET", "/api/v1/blocks", blocker, null).json().path("user_ids").size()).isZero();
        assertThat(api.call("POST", "/api/v1/channels", pest, Map.of("type", "direct", "member_ids", List.of(pest, blocker))).status())
                .isEqualTo(201);
    }

    @Test
    void membersLeaveOrAreRemovedByTheOwnerAndOwnershipPassesOn() {
        long owner = api.user("owner");
        long second = api.user("second");
        long third = api.user("third");
        UUID group = api.channel(owner, List.of(owner, second, third));
        String members = "/api/v1/channels/" + group + "/members/";

        assertThat(api.call("DELETE", members + third, second, null).status()).as("only the owner removes others").isEqualTo(403);
        assertThat(api.call("DELETE", members + third, owner, null).status()).isEqualTo(204);
        assertThat(api.call("GET", "/api/v1/channels", third, null).json().path("channels").size()).isZero();
        assertThat(api.call("GET", "/api/v1/channels/" + group, third, null).status()).isEqualTo(403);
        assertThat(api.call("DELETE", members + third, owner, null).status()).as("no longer a member").isEqualTo(404);

        ApiFixture.Response details = api.call("GET", "/api/v1/channels/" + group, second, null);
        assertThat(details.status()).isEqualTo(200);
        assertThat(details.json().path("owner_id").asLong()).isEqualTo(owner);
        assertThat(details.json().path("members").findValues("user_id")).extracting(JsonNode::asLong).containsExactly(owner, second);

        assertThat(api.call("DELETE", members + owner, owner, null).status()).as("the owner leaves").isEqualTo(204);
        assertThat(api.call("GET", "/api/v1/channels/" + group, second, null).json().path("owner_id").asLong())
                .as("the longest-standing member owns it now").isEqualTo(second);

        long other = api.user("other");
        UUID direct = UUID.fromString(api.call("POST", "/api/v1/channels", second,
                Map.of("type", "direct", "member_ids", List.of(second, other))).json().path("channel_id").asText());
        assertThat(api.call("DELETE", "/api/v1/channels/" + direct + "/members/" + second, second, null).status())
                .as("a direct channel cannot be left").isEqualTo(403);
    }

    private static ApiFixture.Response addMember(UUID channel, long caller, long userId) {
        return api.call("POST", "/api/v1/channels/" + channel + "/members", caller, Map.of("user_id", userId));
    }

    private static Set<Long> accessChanged(LinkedBlockingQueue<String> memberships) throws Exception {
        Set<Long> users = new java.util.HashSet<>();
        while (users.size() < 2) {
            String payload = memberships.poll(10, TimeUnit.SECONDS);
            assertThat(payload).as("access_changed on the memberships topic").isNotNull();
            JsonNode event = Json.tree(payload);
            if ("access_changed".equals(event.path("type").asText())) {
                users.add(event.path("user_id").asLong());
            }
        }
        return users;
    }
}
