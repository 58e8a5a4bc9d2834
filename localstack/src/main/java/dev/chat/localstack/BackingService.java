package dev.chat.localstack;

import java.time.Duration;
import java.util.List;

/** One real server of the local stack: Redis, Kafka, Cassandra or PostgreSQL. */
interface BackingService {

    /** @return short name, e.g. "kafka" */
    String name();

    /**
     * Starts the server, waits until it really answers (a query, not an open port) and applies its
     * schema. Blocks for at most {@code timeout}.
     *
     * @param timeout readiness deadline
     * @throws Exception if it does not start or become ready in time
     */
    void start(Duration timeout) throws Exception;

    /** @return whether a server on the configured port answers right now */
    boolean isHealthy();

    /** @return process ids to record so a later run can clean them up if this JVM dies */
    List<Long> pids();

    /** Stops the server this JVM started; does nothing for one it did not start. */
    void stop();
}
