package dev.chat.common.runtime;

import java.net.InetSocketAddress;
import java.time.Duration;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import io.helidon.health.HealthCheck;

/**
 * Owns the service's one {@link CqlSession}: connects, reports health, closes. Thread-safe (the
 * driver's session is).
 */
public final class CassandraConnection implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(CassandraConnection.class.getName());

    private final String service;
    private final CqlSession session;

    private CassandraConnection(String service, CqlSession session) {
        this.service = service;
        this.session = session;
    }

    /**
     * Connects to Cassandra, into the configured keyspace.
     *
     * @param service  owning service name, for logs
     * @param settings where Cassandra is
     * @return the open connection
     */
    public static CassandraConnection open(String service, BackendSettings settings) {
        LOG.log(System.Logger.Level.INFO, "{0}: cassandra starting ({1})", service, settings.cassandraContactPoints());
        var builder = CqlSession.builder()
                .withLocalDatacenter(settings.cassandraDatacenter())
                .withKeyspace(settings.cassandraKeyspace())
                .withConfigLoader(DriverConfigLoader.programmaticBuilder()
                        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(5))
                        .withString(DefaultDriverOption.REQUEST_CONSISTENCY, settings.cassandraConsistency())
                        // keep trying at start-up if Cassandra is not up yet
                        .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, true)
                        .build());
        for (String contactPoint : settings.cassandraContactPoints()) {
            int colon = contactPoint.lastIndexOf(':');
            builder.addContactPoint(colon < 0
                    ? new InetSocketAddress(contactPoint, 9042)
                    : new InetSocketAddress(contactPoint.substring(0, colon),
                    Integer.parseInt(contactPoint.substring(colon + 1))));
        }
        CqlSession session = builder.build();
        LOG.log(System.Logger.Level.INFO, "{0}: cassandra started", service);
        return new CassandraConnection(service, session);
    }

    /** @return the session */
    public CqlSession session() {
        return session;
    }

    /**
     * Queries the local node.
     *
     * @return whether it answered with a row
     * @throws RuntimeException the driver's exception when it does not answer
     */
    public boolean ping() {
        return session.execute("SELECT release_version FROM system.local").one() != null;
    }

    /** @return a readiness check that queries the local node */
    public HealthCheck health() {
        return new ReadinessCheck("cassandra", this::ping);
    }

    /**
     * Closes the session; if it has not closed within 10 s (seen once after the node it knew was
     * killed and started again: the close never completed), forces it, so a service's stop or a
     * chatctl command never hangs on it.
     */
    @Override
    public void close() {
        LOG.log(System.Logger.Level.INFO, "{0}: cassandra closing", service);
        try {
            session.closeAsync().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            session.forceCloseAsync();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: cassandra did not close within 10 s ({1}); forcing it", service,
                    e.toString());
            session.forceCloseAsync();
        }
        LOG.log(System.Logger.Level.INFO, "{0}: cassandra closed", service);
    }
}
