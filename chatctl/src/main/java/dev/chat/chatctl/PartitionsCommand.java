package dev.chat.chatctl;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import com.datastax.oss.driver.api.core.type.codec.TypeCodecs;
import com.zaxxer.hikari.HikariDataSource;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.CassandraConnection;
import dev.chat.common.runtime.PostgresPool;
import dev.chat.common.store.ChannelTables;
import dev.chat.common.store.MessageBuckets;
import dev.chat.common.store.MessageTables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code chatctl partitions}: a channel's Cassandra partitions (one per 10-day bucket) with row
 * count, approximate size and owning replicas, warning past thresholds; or the widest partitions
 * found by a bounded scan.
 */
@UsesBackends({UsesBackends.Backend.CASSANDRA, UsesBackends.Backend.POSTGRES})
@Command(name = "partitions", mixinStandardHelpOptions = true,
        description = {"Show a channel's Cassandra partitions (channel_id, bucket): rows, approximate size, replicas.",
            "Sizes are the stored text plus a fixed per-row overhead: an approximation, not the on-disk size."},
        footerHeading = "%nExamples:%n",
        footer = {"  chatctl partitions 6f1c2a4e-0d0b-4a47-9d61-5b0f6f7f9a11",
            "  chatctl partitions 6f1c2a4e-0d0b-4a47-9d61-5b0f6f7f9a11 \\",
            "      --warn-rows 10000 --json",
            "  chatctl partitions --widest 10 --scan-limit 50000"})
final class PartitionsCommand implements Callable<Integer> {

    /** Bytes added per row to the text size: keys, timestamps, cell overhead (rough). */
    static final int ROW_OVERHEAD = 80;

    @Mixin
    private OperatorOptions operator;

    @Parameters(paramLabel = "CHANNEL_ID", arity = "0..1", description = "The channel.")
    private String channel;

    @Option(names = "--widest", paramLabel = "N", description = "Instead: the N widest partitions of all channels.")
    private Integer widest;

    @Option(names = "--scan-limit", defaultValue = "10000", paramLabel = "N",
            description = "With --widest: scan at most this many partitions (default: ${DEFAULT-VALUE}).")
    private int scanLimit;

    @Option(names = "--warn-rows", defaultValue = "100000", paramLabel = "N",
            description = "Warn for partitions with more rows (default: ${DEFAULT-VALUE}).")
    private long warnRows;

    @Option(names = "--warn-mb", defaultValue = "100", paramLabel = "MB",
            description = "Warn for partitions larger than this (default: ${DEFAULT-VALUE}).")
    private long warnMb;

    @Override
    public Integer call() throws Exception {
        if ((channel == null) == (widest == null)) {
            throw operator.usage("give a CHANNEL_ID or --widest N (not both)");
        }
        if (widest != null && (widest < 1 || scanLimit < 1)) {
            throw operator.usage("--widest and --scan-limit must be positive");
        }
        UUID channelId = null;
        if (channel != null) {
            try {
                channelId = UUID.fromString(channel);
            } catch (IllegalArgumentException e) {
                throw operator.usage("CHANNEL_ID must be a UUID, was " + channel);
            }
        }
        BackendSettings backends = operator.backends();
        CassandraConnection cassandra = operator.cassandra();
        try (cassandra) {
            List<Map<String, Object>> rows = channelId != null
                    ? channel(cassandra.session(), channelId, createdAt(backends, channelId))
                    : widest(cassandra.session());
            print(rows);
            return ChatCtl.OK;
        }
    }

    private List<Map<String, Object>> channel(CqlSession session, UUID channelId, Instant createdAt) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int bucket = MessageBuckets.of(Instant.now().plusSeconds(300)); bucket >= MessageBuckets.of(createdAt); bucket--) {
            Map<String, Object> partition = measure(session, channelId, bucket);
            if ((long) partition.get("rows") > 0) {
                rows.add(partition);
            }
        }
        return rows;
    }

    private List<Map<String, Object>> widest(CqlSession session) {
        List<Map<String, Object>> all = new ArrayList<>();
        for (Row key : session.execute(session.prepare(MessageTables.SELECT_PARTITIONS)
                .bind(scanLimit))) {
            all.add(measure(session, key.getUuid("channel_id"), key.getInt("bucket")));
        }
        all.sort(Comparator.comparingLong((Map<String, Object> m) -> (long) m.get("rows")).reversed());
        return all.subList(0, Math.min(widest, all.size()));
    }

    private Map<String, Object> measure(CqlSession session, UUID channelId, int bucket) {
        long rows = 0;
        long bytes = 0;
        for (Row row : session.execute(session.prepare(MessageTables.SELECT_SIZES).bind(channelId, bucket).setPageSize(5000))) {
            rows++;
            bytes += ROW_OVERHEAD + utf8(row.getString("content")) + utf8(row.getString("client_id"));
        }
        Map<String, Object> partition = new LinkedHashMap<>();
        partition.put("channel_id", channelId);
        partition.put("bucket", bucket);
        partition.put("window_start", MessageBuckets.start(bucket).toString());
        partition.put("window_end", MessageBuckets.start(bucket + 1).toString());
        partition.put("rows", rows);
        partition.put("approx_bytes", bytes);
        partition.put("replicas", replicas(session, channelId, bucket));
        List<String> warnings = new ArrayList<>();
        if (rows > warnRows) {
            warnings.add("more than " + warnRows + " rows");
        }
        if (bytes > warnMb * 1024 * 1024) {
            warnings.add("larger than " + warnMb + " MB");
        }
        partition.put("warnings", warnings);
        return partition;
    }

    private static List<String> replicas(CqlSession session, UUID channelId, int bucket) {
        TokenMap tokens = session.getMetadata().getTokenMap().orElse(null);
        if (tokens == null) {
            return List.of("(token map unavailable)");
        }
        ByteBuffer id = TypeCodecs.UUID.encode(channelId, ProtocolVersion.DEFAULT);
        ByteBuffer b = TypeCodecs.INT.encode(bucket, ProtocolVersion.DEFAULT);
        return tokens.getReplicas(CqlIdentifier.fromInternal("chat"), tokens.newToken(id, b)).stream()
                .map(Node::getEndPoint).map(Object::toString).sorted().toList();
    }

    private static Instant createdAt(BackendSettings backends, UUID channelId) {
        try (HikariDataSource pool = PostgresPool.create("chatctl", backends);
             Connection db = pool.getConnection();
             PreparedStatement query = db.prepareStatement(ChannelTables.CREATED_AT)) {
            query.setObject(1, channelId);
            ResultSet row = query.executeQuery();
            if (!row.next()) {
                throw new IllegalStateException("no channel " + channelId + " in PostgreSQL");
            }
            return row.getTimestamp(1).toInstant();
        } catch (SQLException e) {
            throw new ChatCtl.Unreachable("cannot reach PostgreSQL at " + backends.postgresUrl()
                    + " (it holds the channel's creation time): " + e.getMessage());
        }
    }

    private void print(List<Map<String, Object>> partitions) {
        PrintWriter out = operator.out();
        if (operator.json()) {
            operator.printJson(Map.of("partitions", partitions,
                    "method", widest != null ? "bounded scan of up to " + scanLimit + " partitions" : "every bucket of the channel"));
            return;
        }
        if (widest != null) {
            out.printf("widest partitions (bounded scan of up to %d partitions, rows counted exactly)%n", scanLimit);
        }
        out.printf("%-36s %7s %-10s %-10s %9s %11s  %s%n", "channel_id", "bucket", "from", "to", "rows", "~bytes", "replicas");
        for (Map<String, Object> p : partitions) {
            out.printf("%-36s %7s %-10s %-10s %9s %11s  %s%s%n", p.get("channel_id"), p.get("bucket"),
                    p.get("window_start").toString().substring(0, 10), p.get("window_end").toString().substring(0, 10),
                    p.get("rows"), p.get("approx_bytes"), String.join(",", (List<String>) p.get("replicas")),
                    ((List<?>) p.get("warnings")).isEmpty() ? "" : "  WARNING: " + String.join(", ", (List<String>) p.get("warnings")));
        }
        if (partitions.isEmpty()) {
            out.println("(no messages)");
        }
        out.flush();
    }

    private static int utf8(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }
}
