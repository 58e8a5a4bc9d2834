package dev.chat.chatctl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.chat.common.keys.GatewayKeys;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Reads the gateway directory the gateways keep in Redis ({@link GatewayKeys}): one report per
 * live gateway, refreshed every 5 s and gone 15 s after the gateway stopped reporting.
 */
final class GatewayReports {

    /**
     * One gateway's last report.
     *
     * @param name       its name
     * @param address    where clients connect
     * @param instance   the prefix of its sockets' ids
     * @param sockets    open sockets
     * @param users      users with a socket open
     * @param draining   whether it drains
     * @param startedAt  epoch millis
     * @param reportedAt epoch millis
     */
    record Report(String name, String address, String instance, int sockets, int users, boolean draining,
                  long startedAt, long reportedAt) {
    }

    private final RedissonClient redis;

    GatewayReports(RedissonClient redis) {
        this.redis = redis;
    }

    /** @return every live gateway's report, by name */
    List<Report> all() {
        List<Report> reports = new ArrayList<>();
        for (String name : redis.<String>getScoredSortedSet(GatewayKeys.ALL, StringCodec.INSTANCE).readAll()) {
            find(name).ifPresent(reports::add);
        }
        reports.sort(java.util.Comparator.comparing(Report::name));
        return reports;
    }

    /**
     * @param name a gateway's name
     * @return its report, if it is live
     */
    Optional<Report> find(String name) {
        Map<String, String> hash = redis.<String, String>getMap(GatewayKeys.report(name), StringCodec.INSTANCE).readAllMap();
        if (hash.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Report(name, hash.getOrDefault("address", ""), hash.getOrDefault("instance", ""),
                number(hash.get("sockets")), number(hash.get("users")), Boolean.parseBoolean(hash.get("draining")),
                longNumber(hash.get("started_at")), longNumber(hash.get("reported_at"))));
    }

    /**
     * The gateway an operator means: its name, its address, or (for host:port names) its port.
     *
     * @param given what the operator typed
     * @return the live gateway, if exactly one matches
     */
    Optional<Report> resolve(String given) {
        List<Report> matches = all().stream().filter(r -> r.name().equals(given) || r.address().equals(given)
                || r.name().endsWith(":" + given)).toList();
        return matches.size() == 1 ? Optional.of(matches.getFirst()) : Optional.empty();
    }

    private static int number(String value) {
        return value == null ? 0 : Integer.parseInt(value);
    }

    private static long longNumber(String value) {
        return value == null ? 0 : Long.parseLong(value);
    }
}
