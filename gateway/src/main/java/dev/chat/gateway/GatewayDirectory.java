package dev.chat.gateway;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.chat.common.keys.GatewayKeys;
import org.redisson.api.RBatch;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Reports this gateway in the directory every few seconds ({@link GatewayKeys}): its sockets and
 * users, whether it drains, its address and the instance id its sockets' ids start with. A gateway
 * that dies drops out when its report expires. Operators read it with {@code chatctl connections}.
 */
final class GatewayDirectory implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(GatewayDirectory.class.getName());
    static final Duration INTERVAL = Duration.ofSeconds(5);
    private static final Duration TTL = INTERVAL.multipliedBy(3);

    private final RedissonClient redis;
    private final String name;
    private final Map<String, String> fixed;
    private final Gateway gateway;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("gateway-directory").daemon().factory());

    /**
     * @param redis   the client
     * @param name    this gateway's name
     * @param address where clients connect, e.g. ws://10.0.0.7:8081/ws
     * @param gateway whose numbers are reported
     */
    GatewayDirectory(RedissonClient redis, String name, String address, Gateway gateway) {
        this.redis = redis;
        this.name = name;
        this.gateway = gateway;
        this.fixed = Map.of("address", address, "instance", gateway.instanceId(),
                "started_at", Long.toString(System.currentTimeMillis()));
        report();
        scheduler.scheduleWithFixedDelay(this::report, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void report() {
        try {
            long now = System.currentTimeMillis();
            RBatch batch = redis.createBatch();
            var hash = batch.<String, String>getMap(GatewayKeys.report(name), StringCodec.INSTANCE);
            hash.putAllAsync(fixed);
            hash.putAllAsync(Map.of("sockets", Integer.toString(gateway.sockets()),
                    "users", Integer.toString(gateway.users()),
                    "draining", Boolean.toString(gateway.draining()),
                    "reported_at", Long.toString(now)));
            hash.expireAsync(TTL);
            var all = batch.<String>getScoredSortedSet(GatewayKeys.ALL, StringCodec.INSTANCE);
            all.addAsync(now, name);
            all.removeRangeByScoreAsync(0, true, now - TTL.toMillis(), true); // gateways that died
            batch.execute();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "directory report failed: {0}", e.getMessage());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            redis.getScoredSortedSet(GatewayKeys.ALL, StringCodec.INSTANCE).remove(name);
            redis.getBucket(GatewayKeys.report(name)).delete();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "directory removal failed: {0}", e.getMessage());
        }
    }
}
