package dev.chat.chatctl;

import java.util.Optional;
import java.util.concurrent.Callable;

import dev.chat.common.auth.BotAccounts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code chatctl bots create NAME}: a bot account and its first API token. */
@Command(name = "bots", mixinStandardHelpOptions = true,
        description = "Manage bots: users of kind bot that authenticate with API tokens.",
        subcommands = BotsCommand.Create.class)
final class BotsCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: try 'chatctl bots create NAME'");
    }

    /** {@code bots create NAME}. */
    @UsesBackends(UsesBackends.Backend.POSTGRES)
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a bot and print its API token (shown this once: only its hash is stored).",
                "The token works as 'Authorization: Bearer <token>' on the api and the gateway until revoked",
                "(chatctl tokens revoke)."},
            footerHeading = "%nExamples:%n",
            footer = {"  chatctl bots create deploy-bot", "  token=$(chatctl bots create ci-bot --json | jq -r .token)"})
    static final class Create implements Callable<Integer> {

        @Mixin
        private OperatorOptions operator;

        @Parameters(paramLabel = "NAME", description = "Unique user name, 1 to 64 characters.")
        private String name;

        @Override
        public Integer call() {
            String trimmed = UsersCommand.validName(operator, name);
            try (OperatorDatabase db = OperatorDatabase.open(operator.backends())) {
                Optional<BotAccounts.NewToken> bot = new BotAccounts(db.pool()).createBot(trimmed);
                if (bot.isEmpty()) {
                    operator.err().println("chatctl bots create: a user named '" + trimmed + "' exists");
                    return ChatCtl.FAILED;
                }
                TokensCommand.print(operator, bot.get());
                return ChatCtl.OK;
            }
        }
    }
}
