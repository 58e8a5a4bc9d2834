package dev.chat.persister;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.chat.common.ReadinessCheck;
import io.helidon.health.HealthCheck;
import io.helidon.metrics.api.MeterRegistry;

/**
 * The persister assembled: store, dead letters and the consumer loop, started and closed together.
 * Thread-safe.
 */
final class Persister implements AutoCloseable {

    private final DeadLetters deadLetters;
    private final PersistLoop loop;

    private Persister(DeadLetters deadLetters, PersistLoop loop) {
        this.deadLetters = deadLetters;
        this.loop = loop;
    }

    /**
     * @param settings  consumer settings
     * @param cassandra session in the chat keyspace
     * @param meters    metrics registry
     * @param onFatal   what to do when the loop stops on a fatal error (exit non-zero in production)
     * @return the running persister
     */
    static Persister start(PersisterSettings settings, CqlSession cassandra, MeterRegistry meters, Runnable onFatal) {
        DeadLetters deadLetters = new DeadLetters(settings.bootstrap(), settings.deadLetterTopic());
        PersistLoop loop = new PersistLoop(settings, new MessageStore(cassandra), deadLetters,
                new PersisterMetrics(meters), onFatal);
        loop.start();
        return new Persister(deadLetters, loop);
    }

    /** @return readiness: down once the loop has stopped */
    HealthCheck health() {
        return new ReadinessCheck("persist-loop", loop::running);
    }

    @Override
    public void close() {
        loop.close();
        deadLetters.close();
    }
}
