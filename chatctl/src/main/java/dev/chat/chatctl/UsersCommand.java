package dev.chat.chatctl;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.store.UserTables;
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
    @UsesBackends(UsesBackends.Backend.POSTGRES)
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a user and print its id.",
            footerHeading = "%nExamples:%n",
            footer = {"  chatctl users create alice", "  id=$(chatctl users create bob --json | jq .user_id)"})
    static final class Create implements Callable<Integer> {

        @Mixin
        private OperatorOptions operator;

        @Parameters(paramLabel = "NAME", description = "Unique user name, 1 to 64 characters.")
        private String name;

        @Override
        public Integer call() {
            String trimmed = validName(operator, name);
            BackendSettings backends = operator.backends();
            Optional<Long> created;
            try {
                created = operator.withDatabase(db -> {
                    try (Connection connection = db.getConnection();
                         PreparedStatement insert = connection.prepareStatement(UserTables.INSERT_USER)) {
                        insert.setString(1, trimmed);
                        ResultSet id = insert.executeQuery();
                        return id.next() ? Optional.of(id.getLong("id")) : Optional.empty();
                    }
                });
            } catch (SQLException e) {
                throw new IllegalStateException("PostgreSQL at " + backends.postgresUrl() + ": " + e.getMessage(), e);
            }
            if (created.isEmpty()) {
                operator.err().println("chatctl users create: a user named '" + trimmed + "' exists");
                return ChatCtl.FAILED;
            }
            if (operator.json()) {
                operator.printJson(Map.of("user_id", created.get(), "name", trimmed));
            } else {
                operator.out().println(created.get());
            }
            return ChatCtl.OK;
        }
    }

    /** @return the name without surrounding blanks, checked (1 to 64 characters) */
    static String validName(OperatorOptions operator, String name) {
        String trimmed = name.strip();
        if (trimmed.isEmpty() || trimmed.codePointCount(0, trimmed.length()) > 64) {
            throw operator.usage("NAME must have 1 to 64 characters");
        }
        return trimmed;
    }

    /** {@code users list}. */
    @UsesBackends(UsesBackends.Backend.POSTGRES)
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Users, newest first: id, name, kind, state.",
            footerHeading = "%nExamples:%n", footer = {"  chatctl users list", "  chatctl users list --deactivated --json"})
    static final class ListUsers implements Callable<Integer> {

        @Mixin
        private OperatorOptions operator;

        @picocli.CommandLine.Option(names = "--limit", defaultValue = "100", paramLabel = "N",
                description = "Most users (default: ${DEFAULT-VALUE}).")
        private int limit;

        @picocli.CommandLine.Option(names = "--deactivated", description = "Only deactivated users.")
        private boolean onlyDeactivated;

        @Override
        public Integer call() throws SQLException {
            if (limit < 1 || limit > 100_000) {
                throw operator.usage("--limit must be 1 to 100000");
            }
            List<Map<String, Object>> users = operator.withDatabase(db -> {
                try (Connection connection = db.getConnection();
                     PreparedStatement select = connection.prepareStatement(
                             onlyDeactivated ? UserTables.LIST_DEACTIVATED_USERS : UserTables.LIST_USERS)) {
                    select.setInt(1, limit + 1); // one more: whether the list was cut
                    List<Map<String, Object>> found = new ArrayList<>();
                    try (ResultSet row = select.executeQuery()) {
                        while (row.next()) {
                            Map<String, Object> user = new LinkedHashMap<>();
                            user.put("user_id", row.getLong(1));
                            user.put("name", row.getString(2));
                            user.put("kind", row.getString(3));
                            user.put("created_at", row.getTimestamp(4).toInstant().toString());
                            user.put("deactivated_at", row.getTimestamp(5) == null ? null : row.getTimestamp(5).toInstant().toString());
                            found.add(user);
                        }
                    }
                    return found;
                }
            });
            boolean more = users.size() > limit;
            List<Map<String, Object>> shown = more ? users.subList(0, limit) : users;
            PrintWriter out = operator.out();
            if (operator.json()) {
                operator.printJson(Map.of("users", shown, "more", more));
            } else {
                out.printf("%-8s  %-24s  %-6s  %s%n", "USER_ID", "NAME", "KIND", "STATE");
                shown.forEach(user -> out.printf("%-8s  %-24s  %-6s  %s%n", user.get("user_id"), user.get("name"), user.get("kind"),
                        user.get("deactivated_at") == null ? "active" : "deactivated " + user.get("deactivated_at")));
                if (more) {
                    out.printf("(the first %d users; there are more: --limit N shows up to N)%n", limit);
                }
            }
            return ChatCtl.OK;
        }
    }

    /** {@code users deactivate USER_ID}. */
    @UsesBackends(UsesBackends.Backend.POSTGRES)
    @Command(name = "deactivate", mixinStandardHelpOptions = true,
            description = {"Deactivate a user: their tokens stop working everywhere within seconds.",
                "Their sockets are closed (4003); their messages stay. Undo with 'users reactivate'."},
            footerHeading = "%nExamples:%n", footer = {"  chatctl users deactivate 42"})
    static final class Deactivate implements Callable<Integer> {

        @Mixin
        private OperatorOptions operator;

        @Parameters(paramLabel = "USER_ID", description = "The user.")
        private long userId;

        @Override
        public Integer call() throws SQLException {
            return setStatus(operator, userId, true);
        }
    }

    /** {@code users reactivate USER_ID}. */
    @UsesBackends(UsesBackends.Backend.POSTGRES)
    @Command(name = "reactivate", mixinStandardHelpOptions = true, description = "Let a deactivated user sign in again.",
            footerHeading = "%nExamples:%n", footer = {"  chatctl users reactivate 42"})
    static final class Reactivate implements Callable<Integer> {

        @Mixin
        private OperatorOptions operator;

        @Parameters(paramLabel = "USER_ID", description = "The user.")
        private long userId;

        @Override
        public Integer call() throws SQLException {
            return setStatus(operator, userId, false);
        }
    }

    private static int setStatus(OperatorOptions operator, long userId, boolean deactivate) throws SQLException {
        int updated = operator.withDatabase(db -> {
            try (Connection connection = db.getConnection();
                 PreparedStatement update = connection.prepareStatement(deactivate ? UserTables.DEACTIVATE : UserTables.REACTIVATE)) {
                update.setLong(1, userId);
                return update.executeUpdate();
            }
        });
        if (updated == 0) {
            operator.err().println("chatctl users: no user " + userId);
            return ChatCtl.FAILED;
        }
        if (operator.json()) {
            operator.printJson(Map.of("user_id", userId, "deactivated", deactivate));
        } else {
            operator.out().println((deactivate ? "deactivated" : "reactivated") + " user " + userId);
        }
        return ChatCtl.OK;
    }
}
