package dev.chat.chatctl;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.chat.common.BackendSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code chatctl users create NAME}: adds a user to PostgreSQL and prints the new id. */
@Command(name = "users", mixinStandardHelpOptions = true,
        description = "Manage users.",
        subcommands = UsersCommand.Create.class)
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
}
