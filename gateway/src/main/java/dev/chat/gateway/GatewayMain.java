package dev.chat.gateway;

import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import dev.chat.common.auth.Credentials;
import dev.chat.common.channel.KafkaEventLog;
import dev.chat.common.channel.RedisChannelSequencer;
import dev.chat.common.channel.SendPath;
import dev.chat.common.files.FileStore;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.KafkaHealth;
import dev.chat.common.runtime.PostgresPool;
import dev.chat.common.runtime.ServiceConfig;
import dev.chat.common.channel.Mentions;
import dev.chat.common.store.MemberMentions;
import dev.chat.common.runtime.RedisConnection;
import dev.chat.common.runtime.ServiceRuntime;
import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.logging.common.LogConfig;
import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;

/**
 * Starts the gateway: WebSocket connections, the per-channel step and fan-out in Redis, Kafka
 * writes. It reads no database on the send path (PostgreSQL only to load a user's channels).
 * Wiring only.
 */
public final class GatewayMain {

    private GatewayMain() {
    }

    /**
     * @param args ignored; configuration comes from application.yaml and the environment
     */
    public static void main(String[] args) {
        LogConfig.configureRuntime();
        // after an operator's drain the process exits; the shutdown hook stops the rest (Kafka flushed)
        start(ServiceConfig.load(), () -> System.exit(0));
    }

    /**
     * Connects the clients and starts the server; closing the result stops it all as SIGTERM does.
     * Tests start gateways through here.
     *
     * @param config configuration root
     * @return the running service
     */
    static ServiceRuntime start(Config config) {
        return start(config, null);
    }

    /**
     * @param config     configuration root
     * @param afterDrain what follows an operator's drain (null: stop this runtime, not the JVM)
     * @return the running service
     */
    static ServiceRuntime start(Config config, Runnable afterDrain) {
        BackendSettings backends = BackendSettings.create(config);
        GatewaySettings settings = GatewaySettings.create(config);
        ServiceRuntime runtime = new ServiceRuntime("gateway");
        try {
            RedisConnection redis = runtime.own(RedisConnection.open("gateway", backends));
            GatewayMetrics metrics = new GatewayMetrics(Metrics.globalRegistry());
            HikariDataSource postgres = runtime.own(PostgresPool.create("gateway-postgres", backends));
            Memberships memberships = new Memberships(postgres, settings.membershipCacheTtl(), metrics);
            Credentials credentials = Credentials.create(config, postgres);
            runtime.own(credentials);
            KafkaHealth kafka = runtime.own(new KafkaHealth(backends));
            kafka.probeEvery(java.time.Duration.ofSeconds(2));
            KafkaEventLog log = runtime.own(KafkaEventLog.open("gateway", backends, settings.kafkaSendTimeout(),
                    settings.kafkaRetryWindow(), kafka::lastKnownUp));
            Mentions mentions = new MemberMentions(postgres, ServiceConfig.userIds(config, "api.admins"), redis.client());
            SendPath.Files files = FileStore.create(config).map(runtime::own).<SendPath.Files>map(store -> store::check)
                    .orElse(SendPath.Files.NONE);
            Gateway gateway = Gateway.create(settings, RedisChannelSequencer.Settings.create(config), credentials, redis,
                    memberships, mentions, files, log, metrics);
            // on SIGTERM: close the sockets (1001) before the server stops, then the clients (producer flushed)
            runtime.beforeStop(gateway::close);
            List<HealthCheck> checks = List.of(redis.health(), kafka, memberships.health(), gateway.drainCheck());
            ObserveFeature observe = ServiceRuntime.observe(config, checks);
            runtime.start(config.get("server"), server -> setup(server, gateway, observe));
            String host = hostName();
            String name = config.get("gateway.name").asString().filter(s -> !s.isBlank())
                    .orElse(host + ":" + runtime.port());
            gateway.identify(name, afterDrain != null ? afterDrain : () -> runtime.close());
            runtime.own(new GatewayDirectory(redis.client(), name, "ws://" + host + ":" + runtime.port() + "/ws", gateway));
            return runtime;
        } catch (RuntimeException e) {
            runtime.close(); // whatever was opened before the failure
            throw e;
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    /**
     * Production wiring of the web server; tests call it too.
     *
     * @param server  server builder
     * @param gateway the real-time core
     * @param observe  health and metrics (ServiceRuntime.observe)
     */
    static void setup(WebServerConfig.Builder server, Gateway gateway, ObserveFeature observe) {
        server.addFeature(observe);
        server.addProtocol(WsConfig.builder()
                .name("websocket")
                .origins(gateway.settings().webOrigins())
                // frames up to 4 MiB are read whole and reach ChatSocket, which answers oversize ones
                // with too_large and closes the socket with 1009 past 1 MiB
                .maxFrameLength(ChatSocket.MAX_FRAME_BYTES)
                .build());
        server.addRouting(WsRouting.builder().endpoint("/ws", gateway::newSocket));
        // a plain GET (no upgrade) is answered here; a refused upgrade is answered 401 by ChatSocket
        server.routing(routing -> routing.get("/ws", (request, response) -> response.status(Status.UPGRADE_REQUIRED_426)
                .header(HeaderNames.CONTENT_TYPE, "application/problem+json")
                .send("{\"type\":\"about:blank\",\"title\":\"Upgrade Required\",\"status\":426,"
                        + "\"detail\":\"GET /ws is a WebSocket endpoint\"}")));
    }
}
