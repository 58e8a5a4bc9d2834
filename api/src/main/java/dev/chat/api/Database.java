package dev.chat.api;

import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.ReadinessCheck;
import dev.chat.common.store.UserTables;
import io.helidon.config.Config;
import io.helidon.dbclient.DbClient;
import io.helidon.dbclient.DbStatements;
import io.helidon.dbclient.jdbc.JdbcClientBuilder;
import io.helidon.health.HealthCheck;

/**
 * Owns the api's PostgreSQL access: the connection pool and the Helidon {@link DbClient} with the
 * named statements from {@code db.statements} in application.yaml, plus those other modules run
 * too, defined once in {@link UserTables}. Thread-safe.
 */
final class Database implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Database.class.getName());

    private final HikariConnectionPool pool;
    private final DbClient client;

    private Database(HikariConnectionPool pool, DbClient client) {
        this.pool = pool;
        this.client = client;
    }

    static Database open(BackendSettings settings, Config statements) {
        LOG.log(System.Logger.Level.INFO, "api: postgres starting ({0})", settings.postgresUrl());
        HikariConnectionPool pool = new HikariConnectionPool(settings);
        DbClient client = JdbcClientBuilder.create()
                .connectionPool(pool)
                .statements(statements(statements))
                .build();
        LOG.log(System.Logger.Level.INFO, "api: postgres started");
        return new Database(pool, client);
    }

    /**
     * @param config {@code db.statements}
     * @return the api's named statements: those of the configuration and the shared ones
     */
    static DbStatements statements(Config config) {
        return DbStatements.builder()
                .config(config)
                .addStatement("insert-user", UserTables.INSERT_USER)
                .addStatement("user-by-id", UserTables.USER_BY_ID)
                .build();
    }

    /** @return the pool itself, for the JDBC code shared with chatctl (API tokens) */
    javax.sql.DataSource dataSource() {
        return pool.dataSource();
    }

    DbClient client() {
        return client;
    }

    HealthCheck health() {
        return new ReadinessCheck("postgres", () -> client.execute().namedQuery("ping").findFirst().isPresent());
    }

    @Override
    public void close() {
        LOG.log(System.Logger.Level.INFO, "api: postgres closing");
        pool.close();
        LOG.log(System.Logger.Level.INFO, "api: postgres closed");
    }
}
