package dev.chat.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.CassandraConnection;
import dev.chat.common.store.MessageBuckets;
import org.junit.jupiter.api.Test;

/**
 * A measurement, not a test (nothing asserted; outside the test suite, run only when asked): what
 * reactions cost a history read. Three channels of 50 messages with 0, 5 and 40 reactions per
 * message; each page of 50 is read 300 times after 100 warm-up reads, one at a time, and the
 * latency percentiles are printed. Run it with the {@code measurements} profile, which runs only
 * measurements:
 * {@code ./mvnw -Pmeasurements -pl api -am verify -Dit.test=HistoryReactionsMeasurement}.
 */
class HistoryReactionsMeasurement {

    private static final String[] EMOJI = {"👍", "❤️", "😂", "🎉", "😮"};

    @Test
    void measure() throws Exception {
        try (ApiFixture api = new ApiFixture(Map.of("api.ratepersecond", "100000", "api.rateburst", "100000"));
             CassandraConnection cassandra = CassandraConnection.open("measure", BackendSettings.create(api.config()))) {
            long reader = api.user("reader");
            PreparedStatement message = cassandra.session().prepare("INSERT INTO messages_by_channel (channel_id, bucket, message_id,"
                    + " sender_id, client_id, content, msg_type, status, created_at) VALUES (?, ?, ?, ?, ?, 'hello', 'text', 'sent', ?)");
            PreparedStatement reaction = cassandra.session().prepare(
                    "INSERT INTO reactions (channel_id, bucket, message_id, emoji, user_id) VALUES (?, ?, ?, ?, ?)");
            UUID plain = api.channel(reader, List.of(reader));
            List<Long> details = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                long start = System.nanoTime();
                api.call("GET", "/api/v1/channels/" + plain, reader, null);
                if (i >= 100) {
                    details.add(System.nanoTime() - start);
                }
            }
            details.sort(null);
            System.out.printf("MEASURED channel details (PostgreSQL only, for comparison): p50 %.2f ms, p99 %.2f ms%n",
                    details.get(details.size() / 2) / 1e6, details.get(details.size() * 99 / 100) / 1e6);
            for (int perMessage : new int[] {0, 5, 40}) {
                UUID channel = api.channel(reader, List.of(reader));
                for (int i = 0; i < 50; i++) {
                    UUID id = Uuids.timeBased();
                    cassandra.session().execute(message.bind(channel, MessageBuckets.of(id), id, reader, "m" + i, Instant.now()));
                    var batch = BatchStatement.builder(BatchType.UNLOGGED);
                    for (int r = 0; r < perMessage; r++) {
                        batch.addStatement(reaction.bind(channel, MessageBuckets.of(id), id, EMOJI[r % EMOJI.length], 1000L + r));
                    }
                    if (perMessage > 0) {
                        cassandra.session().execute(batch.build());
                    }
                }
                List<Long> nanos = new ArrayList<>();
                for (int i = 0; i < 400; i++) {
                    long start = System.nanoTime();
                    ApiFixture.Response page = api.call("GET", "/api/v1/channels/" + channel + "/messages?limit=50", reader, null);
                    if (i >= 100) {
                        nanos.add(System.nanoTime() - start);
                    }
                    if (page.status() != 200) {
                        throw new IllegalStateException("history answered " + page.status());
                    }
                }
                nanos.sort(null);
                System.out.printf("MEASURED history page of 50, %2d reactions per message (%4d rows): p50 %.2f ms, p90 %.2f ms,"
                                + " p99 %.2f ms%n", perMessage, perMessage * 50, nanos.get(nanos.size() / 2) / 1e6,
                        nanos.get(nanos.size() * 9 / 10) / 1e6, nanos.get(nanos.size() * 99 / 100) / 1e6);
            }
        }
    }
}
