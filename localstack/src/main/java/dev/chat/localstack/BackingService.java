package dev.chat.localstack;

import java.time.Duration;
import java.util.List;

/** One real server of the local stack: Redis (a node or the cluster), Kafka, Cassandra, PostgreSQL or S3Proxy. */
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

    /**
     * @return whether a process this JVM started for it has died (a crash, a kill) and must be
     *         started again; false for a server stopped with {@link #stop()}
     */
    default boolean died() {
        return pids().stream().anyMatch(pid -> ProcessHandle.of(pid).map(process -> !process.isAlive()).orElse(true));
    }

    /**
     * Starts again what {@link #died()}, on the same port and data directory, and waits until it
     * answers.
     *
     * @param timeout readiness deadline
     * @throws Exception if it does not come back in time
     */
    default void revive(Duration timeout) throws Exception {
        start(timeout);
    }

    /** @return the name of its log file in the stack's log directory (of the part that died, for a cluster) */
    default String logName() {
        return name() + ".log";
    }
}
