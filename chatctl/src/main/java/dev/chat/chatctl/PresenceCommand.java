package dev.chat.chatctl;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.chat.common.keys.PresenceKeys;
import org.redisson.api.RScoredSortedSet;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.ScoredEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code chatctl presence}: what Redis says about users' presence — status, last seen, each
 * device (connection) with the time it has left, and the keys' TTLs; or who is online now.
 */
@UsesBackends(UsesBackends.Backend.REDIS)
@Command(name = "presence", mixinStandardHelpOptions = true,
        description = {"Show users' presence as the gateways record it in Redis.",
            "A user is online while any device's heartbeat has not expired."},
        footerHeading = "%nExamples:%n",
        footer = {"  chatctl presence 42 43", "  chatctl presence --online", "  chatctl presence --online --limit 10000 --json"})
final class PresenceCommand implements Callable<Integer> {

    @Mixin
    private OperatorOptions operator;

    @Parameters(paramLabel = "USER_ID", arity = "0..*", description = "Users to show.")
    private List<Long> userIds = new ArrayList<>();

    @Option(names = "--online", description = "List who is online now (scans presence keys).")
    private boolean online;

    @Option(names = "--limit", defaultValue = "1000", paramLabel = "N",
            description = "With --online: stop after scanning this many users (default: ${DEFAULT-VALUE}).")
    private int limit;

    @Override
    public Integer call() throws InterruptedException {
        if (online == !userIds.isEmpty()) {
            throw operator.usage("give USER_IDs or --online (not both)");
        }
        if (limit < 1) {
            throw operator.usage("--limit must be positive");
        }
        return operator.withRedis(redis -> {
            if (!redis.ping()) {
                throw new org.redisson.client.RedisException("it does not answer PING");
            }
            int code = online ? online(redis.client()) : users(redis.client());
            // presence is written by the gateways: without them reporting here, "offline" proves nothing
            return operator.gatewaysReportTo(redis) ? code : ChatCtl.FAILED;
        });
    }

    private int users(RedissonClient redis) {
        PrintWriter out = operator.out();
        List<Map<String, Object>> reports = new ArrayList<>();
        for (long userId : userIds) {
            reports.add(report(redis, userId));
        }
        if (operator.json()) {
            operator.printJson(reports);
            return ChatCtl.OK;
        }
        for (Map<String, Object> r : reports) {
            out.printf("user %s: %s, last seen %s%n", r.get("user_id"), r.get("status"),
                    r.get("last_seen_at") == null ? "never" : r.get("last_seen_at"));
            out.printf("  %s  ttl %s%n", PresenceKeys.devices((Long) r.get("user_id")), ttl((Long) r.get("devices_key_ttl_ms")));
            out.printf("  %s  ttl %s%n", PresenceKeys.lastSeen((Long) r.get("user_id")), ttl((Long) r.get("last_seen_key_ttl_ms")));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> devices = (List<Map<String, Object>>) r.get("devices");
            for (Map<String, Object> device : devices) {
                out.printf("  device %-24s %s%n", device.get("connection"),
                        (Long) device.get("expires_in_ms") > 0 ? "expires in " + human((Long) device.get("expires_in_ms")) : "expired");
            }
        }
        out.flush();
        return ChatCtl.OK;
    }

    private int online(RedissonClient redis) {
        PrintWriter out = operator.out();
        long now = System.currentTimeMillis();
        List<Long> online = new ArrayList<>();
        int scanned = 0;
        for (String key : (Iterable<String>) redis.getKeys().getKeysStreamByPattern("presence:devices:*", 500)::iterator) {
            if (scanned++ >= limit) {
                break;
            }
            RScoredSortedSet<String> devices = redis.getScoredSortedSet(key, StringCodec.INSTANCE);
            if (devices.count(now, false, Double.POSITIVE_INFINITY, true) > 0) {
                online.add(Long.parseLong(key.substring("presence:devices:".length())));
            }
        }
        boolean truncated = scanned > limit;
        online.sort(null);
        if (operator.json()) {
            operator.printJson(Map.of("online", online, "count", online.size(), "scanned", Math.min(scanned, limit),
                    "truncated", truncated));
        } else {
            online.forEach(out::println);
            out.printf("%d online (%d users with presence keys scanned%s)%n", online.size(), Math.min(scanned, limit),
                    truncated ? ", stopped at --limit" : "");
            out.flush();
        }
        return ChatCtl.OK;
    }

    private static Map<String, Object> report(RedissonClient redis, long userId) {
        long now = System.currentTimeMillis();
        RScoredSortedSet<String> devices = redis.getScoredSortedSet(PresenceKeys.devices(userId), StringCodec.INSTANCE);
        List<Map<String, Object>> deviceList = new ArrayList<>();
        boolean anyLive = false;
        for (ScoredEntry<String> entry : devices.entryRange(0, -1)) {
            long left = entry.getScore().longValue() - now;
            anyLive |= left > 0;
            deviceList.add(Map.of("connection", entry.getValue(), "expires_in_ms", left));
        }
        Object lastSeen = redis.getBucket(PresenceKeys.lastSeen(userId), StringCodec.INSTANCE).get();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("user_id", userId);
        report.put("status", anyLive ? "online" : "offline");
        report.put("last_seen_at", lastSeen == null ? null : Instant.ofEpochMilli(Long.parseLong(lastSeen.toString())).toString());
        report.put("devices", deviceList);
        report.put("devices_key_ttl_ms", devices.remainTimeToLive());
        report.put("last_seen_key_ttl_ms", redis.getBucket(PresenceKeys.lastSeen(userId)).remainTimeToLive());
        return report;
    }

    private static String ttl(long millis) {
        return millis == -2 ? "(no key)" : millis == -1 ? "(none)" : human(millis);
    }

    /** @return a duration as people read it: 850 ms, 12.3 s, 4 min 5 s, 2 h 3 min, 3 d 4 h */
    static String human(long millis) {
        if (millis < 1_000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = millis / 1000;
        if (seconds < 3_600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        if (seconds < 86_400) {
            return seconds / 3_600 + " h " + seconds % 3_600 / 60 + " min";
        }
        return seconds / 86_400 + " d " + seconds % 86_400 / 3_600 + " h";
    }
}
