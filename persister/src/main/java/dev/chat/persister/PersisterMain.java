package dev.chat.persister;

import java.util.List;

import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.CassandraConnection;
import dev.chat.common.runtime.KafkaHealth;
import dev.chat.common.runtime.ServiceConfig;
import dev.chat.common.runtime.ServiceRuntime;
import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.logging.common.LogConfig;
import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.observe.ObserveFeature;

/**
 * Starts the persister: consumes chat-messages from Kafka and writes them to Cassandra. Its web
 * server only serves health and metrics. Wiring only.
 */
public final class PersisterMain {

    private PersisterMain() {
    }

    /**
     * @param args ignored; configuration comes from application.yaml and the environment
     */
    public static void main(String[] args) {
        LogConfig.configureRuntime();
        // a fatal error (bad configuration, authorization, schema) stops the process: exit non-zero
        start(ServiceConfig.load(), () -> Thread.ofPlatform().start(() -> System.exit(1)));
    }

    /**
     * Connects the clients, starts the consumer loop and the server; closing the result stops it
     * all as SIGTERM does. Tests start persisters through here.
     *
     * @param config  configuration root
     * @param onFatal what to do when the loop stops on a fatal error
     * @return the running service
     */
    static ServiceRuntime start(Config config, Runnable onFatal) {
        BackendSettings backends = BackendSettings.create(config);
        PersisterSettings settings = PersisterSettings.create(config, backends);
        ServiceRuntime runtime = new ServiceRuntime("persister");
        try {
            CassandraConnection cassandra = runtime.own(CassandraConnection.open("persister", backends));
            KafkaHealth kafka = runtime.own(new KafkaHealth(backends));
            Persister persister = runtime.own(Persister.start(settings, cassandra.session(), Metrics.globalRegistry(),
                    onFatal));
            List<HealthCheck> checks = List.of(cassandra.health(), kafka, persister.health());
            ObserveFeature observe = ServiceRuntime.observe(config, checks);
            runtime.start(config.get("server"), server -> setup(server, observe));
            return runtime;
        } catch (RuntimeException e) {
            runtime.close(); // whatever was opened before the failure
            throw e;
        }
    }

    /**
     * Production wiring of the web server; tests call it too.
     *
     * @param server server builder
     * @param observe health and metrics (ServiceRuntime.observe)
     */
    static void setup(WebServerConfig.Builder server, ObserveFeature observe) {
        server.addFeature(observe);
    }
}
