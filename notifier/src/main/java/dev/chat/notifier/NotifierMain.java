package dev.chat.notifier;

import java.sql.Connection;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import dev.chat.common.feed.ChannelFeed;
import dev.chat.common.feed.MessageConsumers;
import dev.chat.common.outbound.OutboundTargets;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.KafkaHealth;
import dev.chat.common.runtime.PostgresPool;
import dev.chat.common.runtime.ReadinessCheck;
import dev.chat.common.runtime.RedisConnection;
import dev.chat.common.runtime.ServiceConfig;
import dev.chat.common.runtime.ServiceRuntime;
import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.logging.common.LogConfig;
import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.observe.ObserveFeature;

/**
 * Starts the notifier: reads chat-messages from Kafka, delivers outgoing webhooks from the
 * PostgreSQL outbox and Web Push notifications to members with no online device (presence in
 * Redis). Its web server only serves health and metrics. Wiring only.
 */
public final class NotifierMain {

    private static final System.Logger LOG = System.getLogger(NotifierMain.class.getName());

    private NotifierMain() {
    }

    /**
     * @param args ignored; configuration comes from application.yaml and the environment
     */
    public static void main(String[] args) {
        LogConfig.configureRuntime();
        // a fatal error of the feed (Kafka authorization, a bug) stops the process: exit non-zero
        start(ServiceConfig.load(), () -> Thread.ofPlatform().start(() -> System.exit(1)));
    }

    /**
     * Connects the clients, starts the feed and the dispatcher and the server; closing the result
     * stops it all as SIGTERM does. Tests start notifiers through here.
     *
     * @param config  configuration root
     * @param onFatal what to do when the feed stops on a fatal error
     * @return the running service
     */
    static ServiceRuntime start(Config config, Runnable onFatal) {
        BackendSettings backends = BackendSettings.create(config);
        NotifierSettings settings = NotifierSettings.create(config, backends);
        OutboundTargets targets = OutboundTargets.create(config);
        ServiceRuntime runtime = new ServiceRuntime("notifier");
        try {
            HikariDataSource postgres = runtime.own(PostgresPool.create("notifier-postgres", backends));
            RedisConnection redis = runtime.own(RedisConnection.open("notifier", backends));
            KafkaHealth kafka = runtime.own(new KafkaHealth(backends));
            NotifierMetrics metrics = new NotifierMetrics(Metrics.globalRegistry());
            WebhookOutbox outbox = new WebhookOutbox(postgres);
            WebhookDispatcher dispatcher = runtime.own(new WebhookDispatcher(outbox, settings, targets, metrics));
            java.util.function.Consumer<List<dev.chat.common.wire.ChatMessage>> push = messages -> { };
            Map<String, PushProvider> providers = providers(settings.push(), targets);
            if (providers.isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "notifier: push is off (configure push.vapid*, push.fcm.* or push.apns.*)");
            } else {
                LOG.log(System.Logger.Level.INFO, "notifier: push through {0}", providers.keySet());
                push = runtime.own(new PushNotifier(new PushSubscriptions(postgres), providers, redis.client(),
                        settings.push(), metrics));
            }
            // committed by hand once the batch's webhook events are queued; a new group reads what the topic
            // still holds: webhooks only get messages sent after they were created, push skips old messages.
            // No dead-letter sink: the persister's group parks poison, the notifier logs and skips it
            var consumer = MessageConsumers.create(backends.kafkaBootstrap(), "notifier", settings.feed(), Map.of());
            metrics.lag(() -> MessageConsumers.maxLag(consumer));
            ChannelFeed feed = runtime.own(new ChannelFeed("notifier", consumer, settings.feed(),
                    new NotifyHandler(outbox, dispatcher::wake, push, metrics), null, metrics, onFatal));
            feed.start();
            List<HealthCheck> checks = List.of(new ReadinessCheck("postgres", () -> ping(postgres)), redis.health(), kafka,
                    new ReadinessCheck("message-feed", feed::running));
            ObserveFeature observe = ServiceRuntime.observe(config, checks);
            runtime.start(config.get("server"), server -> server.addFeature(observe));
            return runtime;
        } catch (RuntimeException e) {
            runtime.close(); // whatever was opened before the failure
            throw e;
        }
    }

    /** @return the configured push services, by the provider name subscriptions carry */
    private static Map<String, PushProvider> providers(NotifierSettings.Push push, OutboundTargets targets) {
        Map<String, PushProvider> providers = new java.util.LinkedHashMap<>();
        if (push.webPush()) {
            providers.put("webpush", new WebPushProvider(push, targets));
        }
        if (push.fcm() != null) {
            providers.put("fcm", new FcmProvider(push.fcm(), push.ttl()));
        }
        if (push.apns() != null) {
            providers.put("apns", new ApnsProvider(push.apns(), push.ttl()));
        }
        return providers;
    }

    private static boolean ping(HikariDataSource postgres) {
        try (Connection connection = postgres.getConnection()) {
            return connection.isValid(2);
        } catch (java.sql.SQLException e) {
            return false;
        }
    }
}
