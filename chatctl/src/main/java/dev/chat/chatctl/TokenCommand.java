package dev.chat.chatctl;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.chat.common.auth.Tokens;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code chatctl token USER_ID}: prints a bearer token the gateway and the api accept. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Mint a bearer token for a user (signed with auth.secret / AUTH_SECRET).",
        footerHeading = "%nExamples:%n",
        footer = {"  chatctl token 42", "  chatctl token 42 --ttl PT15M",
            "  curl -H \"Authorization: Bearer $(chatctl token 42)\" http://127.0.0.1:8080/api/v1/channels"})
final class TokenCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private BackendOptions backend;

    @Mixin
    private OutputOptions output;

    @Parameters(paramLabel = "USER_ID", description = "The user the token is for.")
    private long userId;

    @Option(names = "--ttl", defaultValue = "PT12H", paramLabel = "DURATION",
            description = "How long the token is valid, ISO-8601 (default: ${DEFAULT-VALUE}).")
    private String ttl;

    @Override
    public Integer call() {
        if (userId <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "USER_ID must be a positive integer");
        }
        Duration validity;
        try {
            validity = Duration.parse(ttl);
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ttl must be an ISO-8601 duration such as PT12H, was " + ttl);
        }
        if (validity.isNegative() || validity.isZero()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ttl must be positive");
        }
        String token = Tokens.create(backend.config()).issue(userId, validity);
        if (output.json()) {
            output.printJson(spec.commandLine().getOut(), Map.of("user_id", userId, "token", token, "ttl_seconds", validity.toSeconds()));
        } else {
            spec.commandLine().getOut().println(token);
        }
        return ChatCtl.OK;
    }
}
