package dev.chat.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

/** Paging the channel list and renaming groups, on the real stack. */
class ChannelManagementIT {

    private static ApiFixture api;
    private static RedisConnection redis;

    @BeforeAll
    static void start() {
        api = new ApiFixture(Map.of());
        redis = RedisConnection.open("test", BackendSettings.create(api.config()));
    }

    @AfterAll
    static void stop() {
        api.close();
        redis.close();
    }

    @Test
    void theChannelListComesInPagesThatTogetherHoldEveryChannelOnce() {
        long user = api.user("pager");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(api.channel(user, List.of(user)).toString());
        }
        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String cursor = null;
        do {
            ApiFixture.Response page = api.call("GET", "/api/v1/channels?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), user, null);
            assertThat(page.status()).isEqualTo(200);
            sizes.add(page.json().path("channels").size());
            page.json().path("channels").forEach(channel -> seen.add(channel.path("channel_id").asText()));
            cursor = page.json().path("next_cursor").isNull() ? null : page.json().path("next_cursor").asText();
        } while (cursor != null);
        assertThat(sizes).containsExactly(2, 2, 1);
        assertThat(seen).as("oldest first, each once").containsExactlyElementsOf(created);
        assertThat(api.call("GET", "/api/v1/channels", user, null).json().path("channels")).hasSize(5);

        assertThat(api.call("GET", "/api/v1/channels?limit=0", user, null).status()).isEqualTo(400);
        assertThat(api.call("GET", "/api/v1/channels?limit=201", user, null).status()).isEqualTo(400);
        ApiFixture.Response bad = api.call("GET", "/api/v1/channels?cursor=bm90LWEtY3Vyc29y", user, null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("field").asText()).isEqualTo("cursor");
    }

    @Test
    void theOwnerRenamesAGroupAndItsMembersAreTold() throws Exception {
        long owner = api.user("owner");
        long member = api.user("member");
        UUID channel = api.channel(owner, List.of(owner, member));
        LinkedBlockingQueue<String> published = new LinkedBlockingQueue<>();
        var topic = redis.client().getTopic(ChannelKeys.topic(channel), StringCodec.INSTANCE);
        int listener = topic.addListener(String.class, (name, payload) -> published.add(payload));
        try {
            ApiFixture.Response renamed = api.call("PATCH", "/api/v1/channels/" + channel, owner,
                    Map.of("name", "release crew", "anyone_can_add", true));
            assertThat(renamed.status()).as(String.valueOf(renamed.json())).isEqualTo(200);
            assertThat(renamed.json().path("name").asText()).isEqualTo("release crew");
            assertThat(renamed.json().path("anyone_can_add").asBoolean()).isTrue();
            JsonNode event = Json.tree(published.poll(10, TimeUnit.SECONDS));
            assertThat(event.path("type").asText()).isEqualTo("channel_updated");
            assertThat(event.path("name").asText()).isEqualTo("release crew");
            assertThat(event.path("updated_by").asLong()).isEqualTo(owner);
        } finally {
            topic.removeListener(listener);
        }
        assertThat(api.call("GET", "/api/v1/channels/" + channel, member, null).json().path("name").asText()).isEqualTo("release crew");
        // only the name: the setting stays
        assertThat(api.call("PATCH", "/api/v1/channels/" + channel, owner, Map.of("name", "crew")).json()
                .path("anyone_can_add").asBoolean()).isTrue();

        assertThat(api.call("PATCH", "/api/v1/channels/" + channel, member, Map.of("name", "mine now")).status()).isEqualTo(403);
        assertThat(api.call("PATCH", "/api/v1/channels/" + channel, api.user("stranger"), Map.of("name", "x")).status()).isEqualTo(403);
        assertThat(api.call("PATCH", "/api/v1/channels/" + channel, api.admin(), Map.of("name", "by admin")).status()).isEqualTo(200);
        assertThat(api.call("PATCH", "/api/v1/channels/" + channel, owner, Map.of()).status()).isEqualTo(400);
        assertThat(api.call("PATCH", "/api/v1/channels/" + channel, owner, Map.of("name", "")).status()).isEqualTo(400);
        assertThat(api.call("PATCH", "/api/v1/channels/" + UUID.randomUUID(), owner, Map.of("name", "x")).status()).isEqualTo(404);
        UUID direct = UUID.fromString(api.call("POST", "/api/v1/channels", owner,
                Map.of("type", "direct", "member_ids", List.of(owner, member))).json().path("channel_id").asText());
        assertThat(api.call("PATCH", "/api/v1/channels/" + direct, owner, Map.of("name", "us")).status()).isEqualTo(403);
    }
}
