package dev.chat.chatctl;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.chat.common.channel.ChannelKeys;
import dev.chat.common.wire.Drain;
import dev.chat.common.wire.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code chatctl drain GATEWAY}: takes one gateway out of service the way SIGTERM does (readiness
 * off, sockets closed with 1012 spread over the window so clients reconnect elsewhere and resume,
 * then the process exits), told through the control topic every gateway follows. Waits until the
 * gateway has left the directory unless {@code --no-wait}.
 */
@UsesBackends(UsesBackends.Backend.REDIS)
@Command(name = "drain", mixinStandardHelpOptions = true,
        description = {"Drain a gateway: its sockets are told to reconnect elsewhere, then it exits.",
            "Readiness goes off, the sockets are closed with 1012 over a window, then the gateway exits.",
            "GATEWAY is a name from 'chatctl connections', its address, or its port."},
        footerHeading = "%nExamples:%n",
        footer = {"  chatctl drain gateway-2", "  chatctl drain 8082 --window 30", "  chatctl drain gateway-2 --no-wait --json"})
final class DrainCommand implements Callable<Integer> {

    @Mixin
    private OperatorOptions operator;

    @Parameters(paramLabel = "GATEWAY", description = "The gateway to drain.")
    private String gateway;

    @Option(names = "--window", paramLabel = "SECONDS",
            description = "Spread the reconnects over at most this long (default: the gateway's gateway.drainwindowmillis).")
    private Integer windowSeconds;

    @Option(names = "--no-wait", description = "Return once the gateway was told, without waiting for it to leave.")
    private boolean noWait;

    @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS",
            description = "How long to wait for the gateway to leave the directory (default: ${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    @Override
    public Integer call() throws InterruptedException {
        if (windowSeconds != null && (windowSeconds < 0 || windowSeconds > 3600)) {
            throw operator.usage("--window must be between 0 and 3600 seconds");
        }
        PrintWriter out = operator.out();
        return operator.withRedis(redis -> {
            GatewayReports directory = new GatewayReports(redis.client());
            Optional<GatewayReports.Report> found = directory.resolve(gateway);
            if (found.isEmpty()) {
                operator.err().printf("no single live gateway matches '%s'; live gateways: %s%n", gateway,
                        directory.all().stream().map(GatewayReports.Report::name).toList());
                return ChatCtl.FAILED;
            }
            GatewayReports.Report target = found.get();
            redis.topics().topic(ChannelKeys.MEMBERSHIPS).publish(Json.encode(new Drain(target.name(),
                    windowSeconds == null ? null : windowSeconds * 1000L)));
            if (!operator.json()) {
                out.printf("draining %s (%d sockets)%n", target.name(), target.sockets());
                out.flush();
            }
            long begin = System.nanoTime();
            boolean gone = noWait || awaitGone(directory, target.name(), out);
            long millis = Duration.ofNanos(System.nanoTime() - begin).toMillis();
            if (operator.json()) {
                operator.printJson(Map.of("gateway", target.name(), "sockets", target.sockets(),
                        "drained", !noWait && gone, "waited_ms", millis));
            } else if (!noWait) {
                out.println(gone ? "drained: " + target.name() + " left after " + millis + " ms"
                        : "still there after " + timeoutSeconds + " s: check its log");
            }
            return gone ? ChatCtl.OK : ChatCtl.FAILED;
        });
    }

    private boolean awaitGone(GatewayReports directory, String name, PrintWriter out) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        int lastSockets = -1;
        while (System.nanoTime() < deadline) {
            Optional<GatewayReports.Report> report = directory.find(name);
            if (report.isEmpty()) {
                return true;
            }
            if (!operator.json() && report.get().sockets() != lastSockets && report.get().draining()) {
                lastSockets = report.get().sockets();
                out.printf("  %s: %d sockets left%n", name, lastSockets);
                out.flush();
            }
            Thread.sleep(250);
        }
        return false;
    }
}
