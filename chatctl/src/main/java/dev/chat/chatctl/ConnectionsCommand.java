package dev.chat.chatctl;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import dev.chat.common.keys.PresenceKeys;
import dev.chat.common.runtime.RedisConnection;
import org.redisson.client.codec.StringCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code chatctl connections}: sockets per gateway (from the directory every gateway reports to
 * in Redis) and, for given users, their live sockets and the gateway each is on (from presence).
 */
@UsesBackends(UsesBackends.Backend.REDIS)
@Command(name = "connections", mixinStandardHelpOptions = true,
        description = {"Show open sockets per gateway, or per user with --user.",
            "Gateways report every 5 s; one that stopped reporting drops out within 15 s."},
        footerHeading = "%nExamples:%n",
        footer = {"  chatctl connections", "  chatctl connections --user 42 --user 43", "  chatctl connections --json"})
final class ConnectionsCommand implements Callable<Integer> {

    @Mixin
    private OperatorOptions operator;

    @Option(names = "--user", paramLabel = "USER_ID", description = "Show this user's sockets (repeatable).")
    private List<Long> users = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        return operator.withRedis(redis -> {
            GatewayReports directory = new GatewayReports(redis.client());
            List<GatewayReports.Report> gateways = directory.all();
            PrintWriter out = operator.out();
            if (users.isEmpty()) {
                printGateways(out, gateways);
            } else {
                printUsers(out, redis, gateways);
            }
            // an empty directory: no gateway runs, or this is not their Redis (exit 1, with the hint)
            return operator.gatewaysReportTo(redis) ? ChatCtl.OK : ChatCtl.FAILED;
        });
    }

    private void printGateways(PrintWriter out, List<GatewayReports.Report> gateways) {
        long now = System.currentTimeMillis();
        if (operator.json()) {
            operator.printJson(Map.of("gateways", gateways.stream().map(g -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", g.name());
                row.put("address", g.address());
                row.put("sockets", g.sockets());
                row.put("users", g.users());
                row.put("draining", g.draining());
                row.put("up_seconds", (now - g.startedAt()) / 1000);
                row.put("reported_ms_ago", now - g.reportedAt());
                return row;
            }).toList(), "sockets", gateways.stream().mapToInt(GatewayReports.Report::sockets).sum()));
            return;
        }
        if (gateways.isEmpty()) {
            out.println("no gateway has reported in the last 15 s");
            return;
        }
        out.printf("%-24s %-36s %8s %8s %-8s %8s%n", "GATEWAY", "ADDRESS", "SOCKETS", "USERS", "STATE", "UP");
        for (GatewayReports.Report g : gateways) {
            out.printf("%-24s %-36s %8d %8d %-8s %7ds%n", g.name(), g.address(), g.sockets(), g.users(),
                    g.draining() ? "draining" : "serving", (now - g.startedAt()) / 1000);
        }
        out.printf("%d gateway(s), %d socket(s)%n", gateways.size(),
                gateways.stream().mapToInt(GatewayReports.Report::sockets).sum());
    }

    private void printUsers(PrintWriter out, RedisConnection redis, List<GatewayReports.Report> gateways) {
        Map<String, String> byInstance = new TreeMap<>();
        gateways.forEach(g -> byInstance.put(g.instance(), g.name()));
        long now = System.currentTimeMillis();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (long user : users) {
            var devices = redis.client().<String>getScoredSortedSet(PresenceKeys.devices(user), StringCodec.INSTANCE)
                    .entryRange(now, false, Double.POSITIVE_INFINITY, true);
            Map<String, Integer> perGateway = new TreeMap<>();
            for (var device : devices) {
                String socket = device.getValue();
                String instance = socket.contains("-") ? socket.substring(0, socket.indexOf('-')) : socket;
                perGateway.merge(byInstance.getOrDefault(instance, "(unknown gateway " + instance + ")"), 1, Integer::sum);
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("user_id", user);
            row.put("sockets", devices.size());
            row.put("gateways", perGateway);
            rows.add(row);
        }
        if (operator.json()) {
            operator.printJson(Map.of("users", rows));
            return;
        }
        out.printf("%-12s %8s  %s%n", "USER", "SOCKETS", "GATEWAYS");
        for (Map<String, Object> row : rows) {
            @SuppressWarnings("unchecked")
            Map<String, Integer> perGateway = (Map<String, Integer>) row.get("gateways");
            String where = perGateway.isEmpty() ? "-" : String.join(", ", perGateway.entrySet().stream()
                    .map(g -> g.getKey() + " (" + g.getValue() + ")").toList());
            out.printf("%-12s %8s  %s%n", row.get("user_id"), row.get("sockets"), where);
        }
    }
}
