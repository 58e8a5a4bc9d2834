package dev.chat.chatctl;

import java.util.Map;
import java.util.concurrent.Callable;

import dev.chat.common.channel.ChannelKeys;
import dev.chat.common.wire.Json;
import dev.chat.common.wire.Kick;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code chatctl kick USER_ID}: every gateway closes the user's sockets (4002, with the reason),
 * told through the gateways' {@code memberships} topic in Redis. The user may connect again: to
 * keep them out, {@code chatctl users deactivate}.
 */
@UsesBackends(UsesBackends.Backend.REDIS)
@Command(name = "kick", mixinStandardHelpOptions = true,
        description = {"Disconnect a user from every gateway (close code 4002 with the reason).",
            "They may reconnect; 'chatctl users deactivate' keeps them out."},
        footerHeading = "%nExamples:%n", footer = {"  chatctl kick 42", "  chatctl kick 42 --reason 'session reset by support'"})
final class KickCommand implements Callable<Integer> {

    @Mixin
    private OperatorOptions operator;

    @Parameters(paramLabel = "USER_ID", description = "The user.")
    private long userId;

    @Option(names = "--reason", defaultValue = "disconnected by an operator", paramLabel = "TEXT",
            description = "Shown to the client as the close reason, up to 60 characters (default: ${DEFAULT-VALUE}).")
    private String reason;

    @Override
    public Integer call() throws InterruptedException {
        if (userId <= 0) {
            throw operator.usage("USER_ID must be a positive integer");
        }
        if (reason.isBlank() || reason.length() > 60) {
            throw operator.usage("--reason must have 1 to 60 characters");
        }
        return operator.withRedis(redis -> {
            long gateways = redis.topics().topic(ChannelKeys.MEMBERSHIPS)
                    .publish(Json.encode(new Kick(userId, reason)));
            if (operator.json()) {
                operator.printJson(Map.of("user_id", userId, "gateways", gateways));
            } else {
                operator.out().println("told " + gateways + " subscriber(s) (gateways) to disconnect user " + userId);
            }
            return ChatCtl.OK;
        });
    }
}
