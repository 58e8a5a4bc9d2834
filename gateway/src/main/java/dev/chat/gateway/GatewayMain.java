package dev.chat.gateway;

import java.util.List;

import dev.chat.common.BackendSettings;
import dev.chat.common.KafkaHealth;
import dev.chat.common.RedisConnection;
import dev.chat.common.ServiceConfig;
import dev.chat.common.ServiceRuntime;
import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServerConfig;

/**
 * Starts the gateway: WebSocket connections, Redis fan-out, Kafka writes. Wiring only.
 */
public final class GatewayMain {

    private GatewayMain() {
    }

    /**
     * @param args ignored; configuration comes from application.yaml and the environment
     */
    public static void main(String[] args) {
        LogConfig.configureRuntime();
        Config config = ServiceConfig.load();
        BackendSettings backends = BackendSettings.create(config);
        ServiceRuntime runtime = new ServiceRuntime("gateway");
        RedisConnection redis = runtime.own(RedisConnection.open("gateway", backends));
        KafkaHealth kafka = runtime.own(new KafkaHealth(backends));
        runtime.start(config.get("server"), server -> setup(server, redis, kafka));
    }

    /**
     * Production wiring of the web server; tests call it too.
     *
     * @param server server builder
     * @param redis  Redis connection
     * @param kafka  Kafka readiness
     */
    static void setup(WebServerConfig.Builder server, RedisConnection redis, KafkaHealth kafka) {
        server.addFeature(ServiceRuntime.observe(List.of(redis.health(), kafka)));
    }
}
