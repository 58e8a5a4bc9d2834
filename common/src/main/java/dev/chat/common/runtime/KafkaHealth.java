package dev.chat.common.runtime;

import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Readiness of Kafka: the cluster answers {@code describeCluster} and the messages topic exists.
 * Owns a small Admin client. Thread-safe.
 */
public final class KafkaHealth implements HealthCheck, AutoCloseable {

    private final Admin admin;
    private final String topic;
    private final String bootstrap;
    private volatile boolean lastKnownUp = true;
    private volatile boolean closed;

    /**
     * @param settings where Kafka is and which topic must exist
     */
    public KafkaHealth(BackendSettings settings) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "health");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        // a health check must not hold reconnect back-off for long after Kafka returns
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        this.admin = Admin.create(props);
        this.topic = settings.messagesTopic();
        this.bootstrap = settings.kafkaBootstrap();
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    /**
     * Re-checks Kafka in the background, so {@link #lastKnownUp()} stays current between probes.
     *
     * @param interval how often
     */
    public void probeEvery(java.time.Duration interval) {
        Thread.ofVirtual().name("kafka-health").start(() -> {
            while (!closed) {
                call();
                try {
                    Thread.sleep(interval);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** @return the result of the latest check (true before the first one) */
    public boolean lastKnownUp() {
        return lastKnownUp;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponse response = check();
        lastKnownUp = response.status() == HealthCheckResponse.Status.UP;
        return response;
    }

    private HealthCheckResponse check() {
        try {
            int brokers = admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).size();
            boolean topicExists = admin.listTopics().names().get(3, TimeUnit.SECONDS).contains(topic);
            return HealthCheckResponse.builder()
                    .status(brokers > 0 && topicExists)
                    .detail("brokers", brokers)
                    .detail("topic", topicExists ? topic : topic + " missing")
                    .build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthCheckResponse.builder().status(false).detail("error", "interrupted").build();
        } catch (Exception e) {
            return HealthCheckResponse.builder().status(false).detail("error", why(e)).build();
        }
    }

    /** @return the failure in words an operator can act on (a timeout has no message of its own) */
    private String why(Exception e) {
        Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof java.util.concurrent.TimeoutException
                || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return "no broker answered at " + bootstrap + " within 3 s";
        }
        return ReadinessCheck.describe(cause);
    }

    @Override
    public void close() {
        closed = true;
        admin.close(java.time.Duration.ofSeconds(2));
    }
}
