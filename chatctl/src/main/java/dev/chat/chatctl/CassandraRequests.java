package dev.chat.chatctl;

import java.util.LinkedHashMap;
import java.util.Map;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;

/**
 * The requests Cassandra served over a bench's measured window, from its own counters: the
 * completed tasks of its thread pools ({@code system_views.thread_pools}) read at the start and
 * the end, so the report says how many CQL requests, local reads and local mutations each message
 * cost. Cassandra's CPU follows its requests more than its rows (docs/benchmarks.md), so this is
 * the number a change to the persister's batching moves. Counts what the node that answers saw
 * (all of a one-node stack's traffic; one node's share of a cluster's), including the window's
 * own closing query. One thread.
 */
final class CassandraRequests {

    private static final String QUERY = "SELECT name, completed_tasks FROM system_views.thread_pools";
    /** Thread pool → the report's key for its tasks per message. */
    private static final Map<String, String> POOLS = Map.of(
            "Native-Transport-Requests", "cql_requests_per_message",
            "ReadStage", "reads_per_message",
            "MutationStage", "mutations_per_message");

    private final CqlSession session;
    private final Map<String, Long> start;

    private CassandraRequests(CqlSession session) {
        this.session = session;
        Map<String, Long> counts;
        try {
            counts = completed();
        } catch (RuntimeException e) {
            counts = null; // reported as unread at the end
        }
        this.start = counts;
    }

    /**
     * @param session a session with the node to read
     * @return a window starting now
     */
    static CassandraRequests start(CqlSession session) {
        return new CassandraRequests(session);
    }

    /**
     * Ends the window.
     *
     * @param messages messages sent in the window
     * @return per counted pool its tasks per message (a pool the node never used is absent) and
     *         the CQL requests in all; or why they could not be read
     */
    Map<String, Object> finish(long messages) {
        Map<String, Long> end;
        try {
            end = start == null ? null : completed();
        } catch (RuntimeException e) {
            end = null;
        }
        Map<String, Object> report = new LinkedHashMap<>();
        if (end == null) {
            report.put("unread", "Cassandra did not answer for its counters (system_views.thread_pools)");
            return report;
        }
        end.forEach((pool, tasks) -> {
            long done = Math.max(0, tasks - start.getOrDefault(pool, 0L));
            if (pool.equals("Native-Transport-Requests")) {
                report.put("cql_requests", done);
            }
            report.put(POOLS.get(pool), messages == 0 ? 0.0 : Math.round(100.0 * done / messages) / 100.0);
        });
        return report;
    }

    private Map<String, Long> completed() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Row row : session.execute(QUERY)) {
            String pool = row.getString("name");
            if (POOLS.containsKey(pool)) {
                counts.put(pool, row.getLong("completed_tasks"));
            }
        }
        return counts;
    }
}
