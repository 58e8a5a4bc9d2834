package dev.chat.chatctl;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.chat.common.auth.Tokens;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code chatctl token USER_ID}: prints a bearer token the gateway and the api accept. */
@UsesBackends({})
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Mint a bearer token for a user (signed with auth.secret / AUTH_SECRET).",
        footerHeading = "%nExamples:%n",
        footer = {"  chatctl token 42", "  chatctl token 42 --ttl PT15M",
            "  curl -H \"Authorization: Bearer $(chatctl token 42)\" \\",
            "      http://127.0.0.1:8080/api/v1/channels"})
final class TokenCommand implements Callable<Integer> {

    @Mixin
    private OperatorOptions operator;

    @Parameters(paramLabel = "USER_ID", description = "The user the token is for.")
    private long userId;

    @Option(names = "--ttl", defaultValue = "PT12H", paramLabel = "DURATION",
            description = "How long the token is valid, ISO-8601 (default: ${DEFAULT-VALUE}).")
    private String ttl;

    @Override
    public Integer call() {
        if (userId <= 0) {
            throw operator.usage("USER_ID must be a positive integer");
        }
        Duration validity;
        try {
            validity = Duration.parse(ttl);
        } catch (DateTimeParseException e) {
            throw operator.usage("--ttl must be an ISO-8601 duration such as PT12H, was " + ttl);
        }
        if (validity.isNegative() || validity.isZero()) {
            throw operator.usage("--ttl must be positive");
        }
        String token = Tokens.create(operator.config()).issue(userId, validity);
        if (operator.json()) {
            operator.printJson(Map.of("user_id", userId, "token", token, "ttl_seconds", validity.toSeconds()));
        } else {
            operator.out().println(token);
        }
        return ChatCtl.OK;
    }
}
