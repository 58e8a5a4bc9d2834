package dev.chat.chatctl;

import java.sql.Connection;
import java.sql.SQLException;

import com.zaxxer.hikari.HikariDataSource;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.PostgresPool;

/**
 * PostgreSQL for one operator command: a small pool, checked reachable first, so an unreachable
 * database is reported as such (exit 3) with where it was looked for.
 */
final class OperatorDatabase implements AutoCloseable {

    private final HikariDataSource pool;

    private OperatorDatabase(HikariDataSource pool) {
        this.pool = pool;
    }

    /**
     * @param backends where PostgreSQL is
     * @return an open pool
     * @throws ChatCtl.Unreachable if PostgreSQL does not answer
     */
    static OperatorDatabase open(BackendSettings backends) {
        HikariDataSource pool = PostgresPool.create("chatctl", backends);
        try (Connection probe = pool.getConnection()) {
            return new OperatorDatabase(pool);
        } catch (SQLException e) {
            pool.close();
            throw new ChatCtl.Unreachable("cannot reach PostgreSQL at " + backends.postgresUrl()
                    + " (postgres.url / POSTGRES_URL / --postgres): " + e.getMessage());
        }
    }

    HikariDataSource pool() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
    }
}
