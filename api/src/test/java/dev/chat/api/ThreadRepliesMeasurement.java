package dev.chat.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.CassandraConnection;
import dev.chat.common.store.MessageBuckets;
import org.junit.jupiter.api.Test;

/**
 * A measurement, not a test (nothing asserted; outside the test suite, run only when asked): what
 * reading a thread of 10,000 replies costs. The thread is written as the persister writes it
 * (reply rows and the thread index); then its first page, its last page and a walk through all
 * of it (pages of 100) are read through the api and timed. Run it with the {@code measurements}
 * profile: {@code ./mvnw -Pmeasurements -pl api -am verify -Dit.test=ThreadRepliesMeasurement}.
 */
class ThreadRepliesMeasurement {

    private static final int REPLIES = 10_000;

    @Test
    void measure() throws Exception {
        try (ApiFixture api = new ApiFixture(Map.of("api.ratepersecond", "100000", "api.rateburst", "100000"));
             CassandraConnection cassandra = CassandraConnection.open("measure", BackendSettings.create(api.config()))) {
            long reader = api.user("reader");
            UUID channel = api.channel(reader, List.of(reader));
            PreparedStatement row = cassandra.session().prepare("INSERT INTO messages_by_channel (channel_id, bucket, message_id,"
                    + " sender_id, client_id, content, msg_type, status, created_at, reply_to)"
                    + " VALUES (?, ?, ?, ?, ?, ?, 'text', 'sent', ?, ?)");
            PreparedStatement index = cassandra.session().prepare(
                    "INSERT INTO replies_by_root (channel_id, root_id, message_id) VALUES (?, ?, ?)");
            UUID root = Uuids.timeBased();
            cassandra.session().execute(row.bind(channel, MessageBuckets.of(root), root, reader, "root", "the root", Instant.now(), null));
            List<UUID> replies = new ArrayList<>();
            List<CompletableFuture<?>> writes = new ArrayList<>();
            for (int i = 0; i < REPLIES; i++) {
                UUID id = Uuids.timeBased();
                replies.add(id);
                writes.add(cassandra.session().executeAsync(row.bind(channel, MessageBuckets.of(id), id, reader, "r" + i,
                        "reply number " + i + " in a long thread", Instant.now(), root)).toCompletableFuture());
                writes.add(cassandra.session().executeAsync(index.bind(channel, root, id)).toCompletableFuture());
                if (writes.size() >= 256) {
                    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
                    writes.clear();
                }
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
            String path = "/api/v1/channels/" + channel + "/messages/" + root + "/replies?limit=100";
            for (int i = 0; i < 50; i++) { // warm up
                api.call("GET", path, reader, null);
            }
            System.out.printf("MEASURED first page of 100: %s%n", timed(api, path, reader));
            System.out.printf("MEASURED last page of 100: %s%n", timed(api, path + "&after_id=" + replies.get(REPLIES - 101), reader));
            long start = System.nanoTime();
            String after = null;
            int pages = 0;
            int read = 0;
            while (true) {
                JsonNode page = api.call("GET", path + (after == null ? "" : "&after_id=" + after), reader, null).json();
                JsonNode messages = page.path("messages");
                read += messages.size();
                pages++;
                if (!page.path("has_more").asBoolean()) {
                    break;
                }
                after = messages.get(messages.size() - 1).path("message_id").asText();
            }
            System.out.printf("MEASURED walk of %d replies in %d pages: %.0f ms (%.2f ms a page)%n", read, pages,
                    (System.nanoTime() - start) / 1e6, (System.nanoTime() - start) / 1e6 / pages);
            // what the persister does per thread after each batch with replies to it
            PreparedStatement count = cassandra.session().prepare(dev.chat.common.store.MessageTables.COUNT_REPLIES);
            List<Long> took = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                long begin = System.nanoTime();
                cassandra.session().execute(count.bind(channel, root));
                if (i >= 20) {
                    took.add(System.nanoTime() - begin);
                }
            }
            took.sort(null);
            System.out.printf("MEASURED the persister's count of a 10,000-reply thread: p50 %.2f ms, p99 %.2f ms%n",
                    took.get(took.size() / 2) / 1e6, took.get(took.size() * 99 / 100) / 1e6);
        }
    }

    private static String timed(ApiFixture api, String path, long reader) {
        List<Long> took = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long start = System.nanoTime();
            api.call("GET", path, reader, null);
            took.add(System.nanoTime() - start);
        }
        took.sort(null);
        return String.format("p50 %.2f ms, p99 %.2f ms", took.get(took.size() / 2) / 1e6, took.get(took.size() * 99 / 100) / 1e6);
    }
}
