package dev.chat.chatctl;

import java.io.PrintWriter;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code chatctl}: the operators' command line for the chat system. This class only configures
 * picocli; each subcommand lives in its own file.
 */
@Command(name = "chatctl",
        mixinStandardHelpOptions = true,
        versionProvider = ChatCtl.Version.class,
        description = "Operate the chat system: run it locally, inspect it, benchmark it.",
        subcommands = {UpCommand.class, UsersCommand.class, TokenCommand.class, BotsCommand.class, TokensCommand.class, DlqCommand.class, KickCommand.class, ConnectionsCommand.class, DrainCommand.class, CapacityCommand.class, PresenceCommand.class, ReplayCommand.class,
            PartitionsCommand.class, BenchCommand.class, VerifyCommand.class, AutoComplete.GenerateCompletion.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ok",
            "1:failed (the message says what)",
            "2:usage error (bad option or argument)",
            "3:a service could not be reached (the message names it and where it was looked for)"})
public final class ChatCtl implements Runnable {

    /** The command did what was asked. */
    public static final int OK = 0;
    /** The command failed; the message says why. */
    public static final int FAILED = 1;
    /** Bad option or argument. */
    public static final int USAGE = 2;
    /** A service could not be reached. */
    public static final int UNREACHABLE = 3;

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: try 'chatctl up' or 'chatctl --help'");
    }

    /**
     * The one place picocli is configured; {@code main} and the tests use it.
     *
     * @param out standard output
     * @param err standard error
     * @return the configured command line
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new ChatCtl());
        commandLine.setOut(out);
        commandLine.setErr(err);
        keepOnlyUsedBackendOptions(commandLine);
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            cmd.getErr().println("chatctl " + cmd.getCommandName() + ": " + e.getMessage());
            cmd.getErr().flush();
            return e instanceof Unreachable ? UNREACHABLE : FAILED;
        });
        return commandLine;
    }

    /** Removes, from each command marked {@link UsesBackends}, the backend options it does not use. */
    private static void keepOnlyUsedBackendOptions(CommandLine command) {
        UsesBackends uses = command.getCommandSpec().userObject().getClass().getAnnotation(UsesBackends.class);
        if (uses != null) {
            java.util.Set<String> kept = new java.util.HashSet<>();
            for (UsesBackends.Backend backend : uses.value()) {
                kept.addAll(backend.options());
            }
            for (UsesBackends.Backend backend : UsesBackends.Backend.values()) {
                for (String option : backend.options()) {
                    CommandLine.Model.OptionSpec spec = command.getCommandSpec().findOption(option);
                    if (spec != null && !kept.contains(option)) {
                        command.getCommandSpec().remove(spec);
                    }
                }
            }
        }
        command.getSubcommands().values().forEach(ChatCtl::keepOnlyUsedBackendOptions);
    }

    /**
     * @param args command line
     */
    public static void main(String[] args) {
        quietLibraryLogging();
        int code = commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
        System.exit(code);
    }

    /** Operators read chatctl's own output; library logs stay out of it unless configured. */
    private static void quietLibraryLogging() {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return;
        }
        try (var in = ChatCtl.class.getResourceAsStream("/chatctl-logging.properties")) {
            java.util.logging.LogManager.getLogManager().readConfiguration(in);
        } catch (java.io.IOException e) {
            System.err.println("chatctl: cannot configure logging: " + e.getMessage());
        }
    }

    /** A service did not answer where it was looked for; exit code {@link #UNREACHABLE}. */
    public static final class Unreachable extends RuntimeException {
        /**
         * @param message what could not be reached, and where
         */
        public Unreachable(String message) {
            super(message);
        }
    }

    /** Reports the version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ChatCtl.class.getPackage().getImplementationVersion();
            return new String[] {"chatctl " + (version == null ? "(development build)" : version)};
        }
    }
}
