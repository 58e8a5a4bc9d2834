package dev.chat.common;

import java.util.concurrent.TimeUnit;

import io.helidon.health.HealthCheck;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.config.Config;

/**
 * Owns the service's one Redisson client: creates it, reports its health, closes it.
 * Thread-safe (Redisson is).
 */
public final class RedisConnection implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RedisConnection.class.getName());

    private final String service;
    private final RedissonClient client;

    private RedisConnection(String service, RedissonClient client) {
        this.service = service;
        this.client = client;
    }

    /**
     * Connects to Redis.
     *
     * @param service  owning service name, for logs
     * @param settings where Redis is
     * @return the open connection
     */
    public static RedisConnection open(String service, BackendSettings settings) {
        LOG.log(System.Logger.Level.INFO, "{0}: redis starting ({1})", service, settings.redisAddress());
        Config config = new Config()
                // start even while Redis is down; readiness reports it until it answers
                .setLazyInitialization(true)
                // scripts (the per-channel step) go as EVALSHA, not their whole text on every call
                .setUseScriptCache(true);
        int timeout = (int) settings.redisTimeout().toMillis();
        config.useSingleServer()
                .setAddress(settings.redisAddress())
                .setConnectTimeout(timeout)
                .setTimeout(timeout)
                // keep retrying in the background when Redis restarts; health shows it meanwhile
                .setRetryAttempts(3)
                .setConnectionMinimumIdleSize(2);
        RedissonClient client = Redisson.create(config);
        LOG.log(System.Logger.Level.INFO, "{0}: redis started", service);
        return new RedisConnection(service, client);
    }

    /** @return the client */
    public RedissonClient client() {
        return client;
    }

    /** @return a readiness check that pings Redis */
    public HealthCheck health() {
        return new ReadinessCheck("redis", () -> client.getRedisNodes(RedisNodes.SINGLE).pingAll(2, TimeUnit.SECONDS));
    }

    @Override
    public void close() {
        LOG.log(System.Logger.Level.INFO, "{0}: redis closing", service);
        client.shutdown();
        LOG.log(System.Logger.Level.INFO, "{0}: redis closed", service);
    }
}
