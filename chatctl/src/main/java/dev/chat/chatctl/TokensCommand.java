package dev.chat.chatctl;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.chat.common.auth.BotAccounts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code chatctl tokens create|list|revoke}: bots' API tokens. */
@Command(name = "tokens", mixinStandardHelpOptions = true,
        description = "Manage the API tokens of bots (people get short-lived JWTs: chatctl token).",
        subcommands = {TokensCommand.Create.class, TokensCommand.ListTokens.class, TokensCommand.Revoke.class})
final class TokensCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "Missing subcommand: try 'chatctl tokens create|list|revoke'");
    }

    static void print(OperatorOptions operator, BotAccounts.NewToken token) {
        PrintWriter out = operator.out();
        if (operator.json()) {
            operator.printJson(token.json());
        } else {
            out.println(token.token());
            out.println("# user " + token.userId() + " (" + token.userName() + "), token id " + token.tokenId()
                    + ": store the token now, it is not shown again");
        }
    }

    /** {@code tokens create USER_ID}. */
    @UsesBackends(UsesBackends.Backend.POSTGRES)
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create another API token for a bot (e.g. to rotate: create, deploy, revoke the old one).",
            footerHeading = "%nExamples:%n", footer = {"  chatctl tokens create 42 --name ci"})
    static final class Create implements Callable<Integer> {

        @Mixin
        private OperatorOptions operator;

        @Parameters(paramLabel = "USER_ID", description = "The bot.")
        private long userId;

        @Option(names = "--name", defaultValue = "default", paramLabel = "LABEL",
                description = "A label for the token, up to 64 characters (default: ${DEFAULT-VALUE}).")
        private String name;

        @Override
        public Integer call() {
            if (name.isBlank() || name.length() > BotAccounts.MAX_TOKEN_NAME) {
                throw operator.usage("--name must have 1 to 64 characters");
            }
            try (OperatorDatabase db = OperatorDatabase.open(operator.backends())) {
                Optional<BotAccounts.NewToken> token = new BotAccounts(db.pool()).createToken(userId, name.strip());
                if (token.isEmpty()) {
                    operator.err().println("chatctl tokens create: no user " + userId);
                    return ChatCtl.FAILED;
                }
                print(operator, token.get());
                return ChatCtl.OK;
            } catch (BotAccounts.NotABot e) {
                operator.err().println("chatctl tokens create: " + e.getMessage());
                return ChatCtl.FAILED;
            }
        }
    }

    /** {@code tokens list [--user ID]}. */
    @UsesBackends(UsesBackends.Backend.POSTGRES)
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List API tokens (never their values), newest first, revoked ones included.",
            footerHeading = "%nExamples:%n", footer = {"  chatctl tokens list", "  chatctl tokens list --user 42 --json"})
    static final class ListTokens implements Callable<Integer> {

        @Mixin
        private OperatorOptions operator;

        @Option(names = "--user", paramLabel = "USER_ID", description = "Only this bot's tokens.")
        private Long userId;

        @Override
        public Integer call() {
            try (OperatorDatabase db = OperatorDatabase.open(operator.backends())) {
                List<BotAccounts.TokenInfo> tokens = new BotAccounts(db.pool()).list(userId);
                PrintWriter out = operator.out();
                if (operator.json()) {
                    operator.printJson(Map.of("tokens", tokens.stream().map(BotAccounts.TokenInfo::json).toList()));
                } else {
                    out.printf("%-36s  %-8s  %-20s  %-16s  %-20s  %s%n", "TOKEN_ID", "USER_ID", "BOT", "NAME", "LAST_USED", "STATE");
                    for (BotAccounts.TokenInfo token : tokens) {
                        out.printf("%-36s  %-8d  %-20s  %-16s  %-20s  %s%n", token.tokenId(), token.userId(), token.userName(),
                                token.name(), token.lastUsedAt().map(t -> t.toString().substring(0, 19)).orElse("never"),
                                token.revokedAt().map(t -> "revoked " + t).orElse("active"));
                    }
                }
                return ChatCtl.OK;
            }
        }
    }

    /** {@code tokens revoke TOKEN_ID}. */
    @UsesBackends(UsesBackends.Backend.POSTGRES)
    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = {"Revoke an API token: every api and gateway refuses it within seconds.",
                "They poll for revocations every auth.revocationpollmillis and close its open sockets (4001)."},
            footerHeading = "%nExamples:%n", footer = {"  chatctl tokens revoke 0b6c1a52-6f0e-4a59-a1f4-1b2f8e1c9d30"})
    static final class Revoke implements Callable<Integer> {

        @Mixin
        private OperatorOptions operator;

        @Parameters(paramLabel = "TOKEN_ID", description = "The token's id (chatctl tokens list).")
        private String tokenId;

        @Override
        public Integer call() {
            try (OperatorDatabase db = OperatorDatabase.open(operator.backends())) {
                Optional<Long> bot = new BotAccounts(db.pool()).revoke(tokenId);
                if (bot.isEmpty()) {
                    operator.err().println("chatctl tokens revoke: no token " + tokenId);
                    return ChatCtl.FAILED;
                }
                if (operator.json()) {
                    operator.printJson(Map.of("token_id", tokenId, "user_id", bot.get(), "revoked", true));
                } else {
                    operator.out().println("revoked " + tokenId + " of user " + bot.get());
                }
                return ChatCtl.OK;
            }
        }
    }
}
