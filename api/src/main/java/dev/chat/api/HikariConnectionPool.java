package dev.chat.api;

import java.sql.Connection;
import java.sql.SQLException;

import com.zaxxer.hikari.HikariDataSource;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.PostgresPool;
import io.helidon.dbclient.DbClientException;
import io.helidon.dbclient.jdbc.JdbcConnectionPool;

/**
 * HikariCP behind Helidon DbClient (Helidon's own Hikari module is not published for 4.5.0).
 * Owns the pool. Thread-safe.
 */
final class HikariConnectionPool implements JdbcConnectionPool, AutoCloseable {

    private final HikariDataSource dataSource;

    HikariConnectionPool(BackendSettings settings) {
        this.dataSource = PostgresPool.create("api-postgres", settings);
    }

    @Override
    public Connection connection() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new DbClientException("No PostgreSQL connection: " + e.getMessage(), e);
        }
    }

    javax.sql.DataSource dataSource() {
        return dataSource;
    }

    @Override
    public String dbType() {
        return "postgresql";
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
