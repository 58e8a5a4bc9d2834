package dev.chat.api;

import java.util.List;

import dev.chat.common.BackendSettings;
import dev.chat.common.CassandraConnection;
import dev.chat.common.RedisConnection;
import dev.chat.common.ServiceConfig;
import dev.chat.common.ServiceRuntime;
import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServerConfig;

/**
 * Starts the REST api: PostgreSQL (channels, members, users), Cassandra (history), Redis
 * (presence, real-time events). Wiring only.
 */
public final class ApiMain {

    private ApiMain() {
    }

    /**
     * @param args ignored; configuration comes from application.yaml and the environment
     */
    public static void main(String[] args) {
        LogConfig.configureRuntime();
        start(ServiceConfig.load());
    }

    /**
     * Connects the clients and starts the server; closing the result stops it all as SIGTERM does.
     * Tests start the api through here.
     *
     * @param config configuration root
     * @return the running service
     */
    static ServiceRuntime start(Config config) {
        BackendSettings backends = BackendSettings.create(config);
        ServiceRuntime runtime = new ServiceRuntime("api");
        Database database = runtime.own(Database.open(backends, config.get("db.statements")));
        CassandraConnection cassandra = runtime.own(CassandraConnection.open("api", backends));
        RedisConnection redis = runtime.own(RedisConnection.open("api", backends));
        runtime.start(config.get("server"), server -> setup(server, database, cassandra, redis));
        return runtime;
    }

    /**
     * Production wiring of the web server; tests call it too.
     *
     * @param server    server builder
     * @param database  PostgreSQL
     * @param cassandra message history
     * @param redis     presence and events
     */
    static void setup(WebServerConfig.Builder server, Database database, CassandraConnection cassandra,
                      RedisConnection redis) {
        server.addFeature(ServiceRuntime.observe(List.of(database.health(), cassandra.health(), redis.health())));
    }
}
