package dev.chat.common.runtime;

import java.util.concurrent.TimeUnit;

import io.helidon.health.HealthCheck;
import io.netty.channel.epoll.Epoll;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.config.ClusterServersConfig;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;
import org.redisson.config.ReadMode;
import org.redisson.config.ShardedSubscriptionMode;
import org.redisson.config.TransportMode;

/**
 * Owns the service's one Redisson client: creates it, reports its health, closes it.
 * Thread-safe (Redisson is).
 */
public final class RedisConnection implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RedisConnection.class.getName());
    /**
     * Between retries of a command. Redisson sizes its timer's tick from this: its default (a
     * random 1-2 s) makes the tick 10-50 ms, a timer thread that wakes up to 100 times a second
     * in every service; a whole second gives a 100 ms tick.
     */
    private static final ConstantDelay RETRY_DELAY = new ConstantDelay(java.time.Duration.ofSeconds(1));
    /**
     * Topics per subscription connection and connections per Redis node: a gateway follows one
     * topic per channel its sockets are in. Redisson's defaults (5 x 50) cap that at 250 topics
     * per node, past which a subscription waits for a free connection and then fails; 100 x 100
     * allow 10,000 per node (a Redis connection has no limit of its own).
     */
    private static final int SUBSCRIPTIONS_PER_CONNECTION = 100;
    private static final int SUBSCRIPTION_CONNECTIONS = 100;

    private final String service;
    private final RedissonClient client;
    private final boolean cluster;
    private final PubSubTopics topics;

    private RedisConnection(String service, RedissonClient client, BackendSettings settings) {
        this.service = service;
        this.client = client;
        this.cluster = !settings.redisCluster().isEmpty();
        this.topics = new PubSubTopics(client, settings.redisSharded());
    }

    /**
     * Connects to Redis.
     *
     * @param service  owning service name, for logs
     * @param settings where Redis is
     * @return the open connection
     */
    public static RedisConnection open(String service, BackendSettings settings) {
        TransportMode transport = transport();
        LOG.log(System.Logger.Level.INFO, "{0}: redis starting ({1}{2}, {3})", service, settings.redisDescription(),
                settings.redisSharded() ? ", sharded Pub/Sub" : "", transport);
        Config config = new Config()
                .setTransportMode(transport)
                // start even while Redis is down; readiness reports it until it answers
                .setLazyInitialization(true)
                // scripts (the per-channel step) go as EVALSHA, not their whole text on every call
                .setUseScriptCache(true)
                // Redisson's default of 32 I/O threads spreads a few connections' traffic over many threads
                // that each wake up for little work: as many as the cores do it cheaper
                .setNettyThreads(settings.redisThreads())
                // Pub/Sub listeners run on the I/O thread that read the message (in order per topic), not
                // handed to a callback pool: a thread wake-up less per message. Listeners must not block.
                .setExecutor(new InlineExecutor());
        int timeout = (int) settings.redisTimeout().toMillis();
        if (settings.redisCluster().isEmpty()) {
            config.useSingleServer()
                    .setAddress(settings.redisAddress())
                    .setConnectTimeout(timeout)
                    .setTimeout(timeout)
                    // keep retrying in the background when Redis restarts; health shows it meanwhile
                    .setRetryAttempts(3)
                    .setRetryDelay(RETRY_DELAY)
                    .setSubscriptionsPerConnection(SUBSCRIPTIONS_PER_CONNECTION)
                    .setSubscriptionConnectionPoolSize(SUBSCRIPTION_CONNECTIONS)
                    .setConnectionMinimumIdleSize(2);
        } else {
            ClusterServersConfig cluster = config.useClusterServers();
            cluster.setNodeAddresses(settings.redisCluster());
            cluster.setConnectTimeout(timeout)
                    .setTimeout(timeout)
                    .setRetryAttempts(3)
                    .setRetryDelay(RETRY_DELAY)
                    .setSubscriptionsPerConnection(SUBSCRIPTIONS_PER_CONNECTION)
                    .setSubscriptionConnectionPoolSize(SUBSCRIPTION_CONNECTIONS)
                    // the per-channel step reads and writes the channel's state: always on its master
                    .setReadMode(ReadMode.MASTER)
                    .setMasterConnectionMinimumIdleSize(2)
                    .setShardedSubscriptionMode(settings.redisSharded() ? ShardedSubscriptionMode.ON
                            : ShardedSubscriptionMode.OFF);
        }
        RedissonClient client = Redisson.create(config);
        LOG.log(System.Logger.Level.INFO, "{0}: redis started", service);
        return new RedisConnection(service, client, settings);
    }

    /**
     * Netty's native epoll transport where it loads (Linux on x86-64): each wake-up of an I/O thread
     * costs fewer system calls and less garbage than the JDK selector's. Elsewhere the JDK's NIO.
     *
     * @return the transport for Redisson
     */
    static TransportMode transport() {
        return Epoll.isAvailable() ? TransportMode.EPOLL : TransportMode.NIO;
    }

    /** @return the client */
    public RedissonClient client() {
        return client;
    }

    /** @return where Pub/Sub topics are (sharded or not, as configured) */
    public PubSubTopics topics() {
        return topics;
    }

    /** @return whether Redis answers a PING (every master and replica of a cluster) */
    public boolean ping() {
        return cluster
                ? client.getRedisNodes(RedisNodes.CLUSTER).pingAll(2, TimeUnit.SECONDS)
                : client.getRedisNodes(RedisNodes.SINGLE).pingAll(2, TimeUnit.SECONDS);
    }

    /** @return a readiness check that pings Redis */
    public HealthCheck health() {
        return new ReadinessCheck("redis", this::ping);
    }

    @Override
    public void close() {
        LOG.log(System.Logger.Level.INFO, "{0}: redis closing", service);
        client.shutdown();
        LOG.log(System.Logger.Level.INFO, "{0}: redis closed", service);
    }
}
