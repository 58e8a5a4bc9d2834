package dev.chat.persister;

import java.util.List;

import dev.chat.common.BackendSettings;
import dev.chat.common.CassandraConnection;
import dev.chat.common.KafkaHealth;
import dev.chat.common.ServiceConfig;
import dev.chat.common.ServiceRuntime;
import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServerConfig;

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
        Config config = ServiceConfig.load();
        BackendSettings backends = BackendSettings.create(config);
        ServiceRuntime runtime = new ServiceRuntime("persister");
        CassandraConnection cassandra = runtime.own(CassandraConnection.open("persister", backends));
        KafkaHealth kafka = runtime.own(new KafkaHealth(backends));
        runtime.start(config.get("server"), server -> setup(server, cassandra, kafka));
    }

    /**
     * Production wiring of the web server; tests call it too.
     *
     * @param server    server builder
     * @param cassandra Cassandra connection
     * @param kafka     Kafka readiness
     */
    static void setup(WebServerConfig.Builder server, CassandraConnection cassandra, KafkaHealth kafka) {
        server.addFeature(ServiceRuntime.observe(List.of(cassandra.health(), kafka)));
    }
}
