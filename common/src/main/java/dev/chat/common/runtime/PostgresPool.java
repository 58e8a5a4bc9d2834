package dev.chat.common.runtime;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** Creates the HikariCP pool a service uses for PostgreSQL. */
public final class PostgresPool {

    private PostgresPool() {
    }

    /**
     * A pool that starts even while PostgreSQL is down (readiness reports it until it answers).
     *
     * @param name     pool name, e.g. "api-postgres"
     * @param settings where PostgreSQL is
     * @return the pool; the caller owns and closes it
     */
    public static HikariDataSource create(String name, BackendSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(settings.postgresUrl());
        config.setUsername(settings.postgresUsername());
        config.setPassword(settings.postgresPassword());
        config.setMaximumPoolSize(settings.postgresPoolSize());
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(3000);
        return new HikariDataSource(config);
    }
}
