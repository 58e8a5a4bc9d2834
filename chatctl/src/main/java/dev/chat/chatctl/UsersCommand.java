package dev.chat.chatctl;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.chat.common.runtime.BackendSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code chatctl users create|list|deactivate|reactivate}: users in PostgreSQL. A deactivated user's
 * tokens (JWTs and API tokens) stop working on every api and gateway within seconds
 * ({@code auth.revocationpollmillis}) and their open sockets are closed (4003).
 */
@Command(name = "users", mixinStandardHelpOptions = true,
        description = "Manage users.",
        subcommands = {UsersCommand.Create.class, UsersCommand.ListUsers.class, UsersCommand.Deactivate.class,
            UsersCommand.Reactivate.class})
final class UsersCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: try 'chatctl users create NAME'");
    }

    /** {@code users create NAME}. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a user and print its id.",
            footerHeading = "%nExamples:%n",
            footer = {"  chatctl users create alice", "  id=$(chatctl users create bob --json | jq .user_id)"})
    static final class Create implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Mixin
        private BackendOptions backend;

        @Mixin
        private OutputOptions output;

        @Parameters(paramLabel = "NAME", description = "Unique user name, 1 to 64 characters.")
        private String name;

        @Override
        public Integer call() {
            String trimmed = validName(spec, name);
            BackendSettings backends = backend.backends();
            PrintWriter out = spec.commandLine().getOut();
            try (OperatorDatabase db = OperatorDatabase.open(backends);
                 Connection connection = db.pool().getConnection();
                 PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO users (name) VALUES (?) ON CONFLICT (name) DO NOTHING RETURNING id")) {
                insert.setString(1, trimmed);
                ResultSet id = insert.executeQuery();
                if (!id.next()) {
                    spec.commandLine().getErr().println("chatctl users create: a user named '" + trimmed + "' exists");
                    return ChatCtl.FAILED;
                }
                long userId = id.getLong(1);
                if (output.json()) {
                    output.printJson(out, Map.of("user_id", userId, "name", trimmed));
                } else {
                    out.println(userId);
                }
                return ChatCtl.OK;
            } catch (SQLException e) {
                throw new IllegalStateException("PostgreSQL at " + backends.postgresUrl() + ": " + e.getMessage(), e);
            }
        }
    }

    /** @return the name without surrounding blanks, checked (1 to 64 characters) */
    static String validName(CommandSpec spec, String name) {
        String trimmed = name.strip();
        if (trimmed.isEmpty() || trimmed.codePointCount(0, trimmed.length()) > 64) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "NAME must have 1 to 64 characters");
        }
        return trimmed;
    }

    /** {@code users list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Users, newest first: id, name, kind, state.",
            footerHeading = "%nExamples:%n", footer = {"  chatctl users list", "  chatctl users list --deactivated --json"})
    static final class ListUsers implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Mixin
        private BackendOptions backend;

        @Mixin
        private OutputOptions output;

        @picocli.CommandLine.Option(names = "--limit", defaultValue = "100", paramLabel = "N",
                description = "Most users (default: ${DEFAULT-VALUE}).")
        private int limit;

        @picocli.CommandLine.Option(names = "--deactivated", description = "Only deactivated users.")
        private boolean onlyDeactivated;

        @Override
        public Integer call() throws SQLException {
            if (limit < 1 || limit > 100_000) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--limit must be 1 to 100000");
            }
            try (OperatorDatabase db = OperatorDatabase.open(backend.backends());
                 Connection connection = db.pool().getConnection();
                 PreparedStatement select = connection.prepareStatement("SELECT id, name, kind, created_at, deactivated_at FROM users"
                         + (onlyDeactivated ? " WHERE deactivated_at IS NOT NULL" : "") + " ORDER BY id DESC LIMIT ?")) {
                select.setInt(1, limit);
                java.util.List<Map<String, Object>> users = new java.util.ArrayList<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        Map<String, Object> user = new java.util.LinkedHashMap<>();
                        user.put("user_id", row.getLong(1));
                        user.put("name", row.getString(2));
                        user.put("kind", row.getString(3));
                        user.put("created_at", row.getTimestamp(4).toInstant().toString());
                        user.put("deactivated_at", row.getTimestamp(5) == null ? null : row.getTimestamp(5).toInstant().toString());
                        users.add(user);
                    }
                }
                PrintWriter out = spec.commandLine().getOut();
                if (output.json()) {
                    output.printJson(out, Map.of("users", users));
                } else {
                    out.printf("%-8s  %-24s  %-6s  %s%n", "USER_ID", "NAME", "KIND", "STATE");
                    users.forEach(user -> out.printf("%-8s  %-24s  %-6s  %s%n", user.get("user_id"), user.get("name"), user.get("kind"),
                            user.get("deactivated_at") == null ? "active" : "deactivated " + user.get("deactivated_at")));
                }
                return ChatCtl.OK;
            }
        }
    }

    /** {@code users deactivate USER_ID}. */
    @Command(name = "deactivate", mixinStandardHelpOptions = true,
            description = {"Deactivate a user: their tokens stop working everywhere within seconds and their sockets",
                "are closed (4003). Their messages stay. Undo with 'users reactivate'."},
            footerHeading = "%nExamples:%n", footer = {"  chatctl users deactivate 42"})
    static final class Deactivate implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Mixin
        private BackendOptions backend;

        @Mixin
        private OutputOptions output;

        @Parameters(paramLabel = "USER_ID", description = "The user.")
        private long userId;

        @Override
        public Integer call() throws SQLException {
            return setStatus(spec, backend, output, userId, true);
        }
    }

    /** {@code users reactivate USER_ID}. */
    @Command(name = "reactivate", mixinStandardHelpOptions = true, description = "Let a deactivated user sign in again.",
            footerHeading = "%nExamples:%n", footer = {"  chatctl users reactivate 42"})
    static final class Reactivate implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Mixin
        private BackendOptions backend;

        @Mixin
        private OutputOptions output;

        @Parameters(paramLabel = "USER_ID", description = "The user.")
        private long userId;

        @Override
        public Integer call() throws SQLException {
            return setStatus(spec, backend, output, userId, false);
        }
    }

    private static int setStatus(CommandSpec spec, BackendOptions backend, OutputOptions output, long userId, boolean deactivate)
            throws SQLException {
        try (OperatorDatabase db = OperatorDatabase.open(backend.backends());
             Connection connection = db.pool().getConnection();
             PreparedStatement update = connection.prepareStatement(deactivate
                     ? "UPDATE users SET deactivated_at = coalesce(deactivated_at, now()), status_changed_at = now() WHERE id = ?"
                     : "UPDATE users SET deactivated_at = NULL, status_changed_at = now() WHERE id = ?")) {
            update.setLong(1, userId);
            if (update.executeUpdate() == 0) {
                spec.commandLine().getErr().println("chatctl users: no user " + userId);
                return ChatCtl.FAILED;
            }
            if (output.json()) {
                output.printJson(spec.commandLine().getOut(), Map.of("user_id", userId, "deactivated", deactivate));
            } else {
                spec.commandLine().getOut().println((deactivate ? "deactivated" : "reactivated") + " user " + userId);
            }
            return ChatCtl.OK;
        }
    }
}
