package dev.chat.notifier;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import dev.chat.common.keys.PresenceKeys;
import dev.chat.common.wire.ChatMessage;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Push notifications for new messages: every member but the sender who has push subscriptions and
 * no online device (the gateways' presence keys in Redis) gets one per subscription - at most one
 * per member and channel within the collapse window, with the channel as the push Topic so a push
 * service replaces an undelivered one; a member the message mentions gets it whatever the window,
 * under the message's own Topic. Content only where the subscription allows previews, cut
 * to a few words; messages older than the maximum age (read late, e.g. after an outage) are not
 * pushed. Best effort: batches are handled on a small pool with a bounded queue and dropped (and
 * counted) when it is full, so push never holds up the Kafka stream or webhooks. Thread-safe.
 */
final class PushNotifier implements Consumer<List<ChatMessage>>, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PushNotifier.class.getName());
    private static final int QUEUED_BATCHES = 100;

    private final PushSubscriptions subscriptions;
    private final Map<String, PushProvider> providers;
    private final RedissonClient redis;
    private final NotifierSettings.Push settings;
    private final NotifierMetrics metrics;
    private final Map<String, Long> lastPushed = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUED_BATCHES), Thread.ofVirtual().name("push-", 0).factory());

    /**
     * @param subscriptions where subscriptions are read
     * @param providers     the configured push services, by subscription provider (webpush, fcm, apns)
     * @param redis         presence
     * @param settings      collapse window, maximum age, preview length
     * @param metrics       meters
     */
    PushNotifier(PushSubscriptions subscriptions, Map<String, PushProvider> providers, RedissonClient redis,
                 NotifierSettings.Push settings, NotifierMetrics metrics) {
        this.subscriptions = subscriptions;
        this.providers = Map.copyOf(providers);
        this.redis = redis;
        this.settings = settings;
        this.metrics = metrics;
        pool.setRejectedExecutionHandler((task, executor) -> {
            metrics.pushFailed();
            LOG.log(System.Logger.Level.WARNING, "push: too far behind, a batch of messages was not pushed");
        });
    }

    @Override
    public void accept(List<ChatMessage> messages) {
        Instant oldest = Instant.now().minus(settings.maxAge());
        List<ChatMessage> fresh = messages.stream().filter(message -> message.createdAt().isAfter(oldest)).toList();
        if (!fresh.isEmpty()) {
            pool.execute(() -> notify(fresh));
        }
    }

    private void notify(List<ChatMessage> messages) {
        try {
            Set<UUID> channels = messages.stream().map(ChatMessage::channelId).collect(Collectors.toSet());
            Map<UUID, List<PushSubscriptions.Subscription>> byChannel = subscriptions.ofMembers(channels).stream()
                    .collect(Collectors.groupingBy(PushSubscriptions.Subscription::channelId));
            if (byChannel.isEmpty()) {
                return;
            }
            Map<Long, String> names = subscriptions.names(messages.stream().map(ChatMessage::senderId).collect(Collectors.toSet()));
            Map<Long, Boolean> online = new HashMap<>();
            for (ChatMessage message : messages) {
                Map<Long, List<PushSubscriptions.Subscription>> byUser = byChannel.getOrDefault(message.channelId(), List.of())
                        .stream().filter(s -> s.userId() != message.senderId())
                        .collect(Collectors.groupingBy(PushSubscriptions.Subscription::userId));
                for (var user : byUser.entrySet()) {
                    // a mention is pushed every time: not folded into the channel's collapse window
                    boolean mentioned = message.mentions().contains(user.getKey());
                    if (online.computeIfAbsent(user.getKey(), this::online)
                            || !mentioned && collapsed(user.getKey(), message.channelId())) {
                        continue;
                    }
                    for (PushSubscriptions.Subscription subscription : user.getValue()) {
                        send(subscription, message, names.get(message.senderId()), mentioned);
                    }
                }
            }
            pruneCollapseWindow();
        } catch (java.sql.SQLException | RuntimeException e) {
            metrics.pushFailed();
            LOG.log(System.Logger.Level.WARNING, "push: a batch was not pushed: {0}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(PushSubscriptions.Subscription subscription, ChatMessage message, String senderName, boolean mentioned)
            throws InterruptedException, java.sql.SQLException {
        PushProvider provider = providers.get(subscription.provider());
        if (provider == null) {
            metrics.pushFailed(); // registered while the provider was configured, not any more
            return;
        }
        switch (provider.send(subscription, pushMessage(subscription, message, senderName, mentioned))) {
            case SENT -> metrics.pushed();
            case GONE -> {
                subscriptions.delete(subscription.id());
                LOG.log(System.Logger.Level.INFO, "push: subscription {0} of user {1} is gone, forgotten",
                        subscription.id(), subscription.userId());
            }
            case FAILED -> metrics.pushFailed();
        }
    }

    private PushMessage pushMessage(PushSubscriptions.Subscription subscription, ChatMessage message, String senderName,
                                    boolean mentioned) {
        String preview = null;
        if (subscription.previews()) {
            String content = message.content();
            int limit = settings.previewChars();
            preview = content.codePointCount(0, content.length()) <= limit ? content
                    : content.substring(0, content.offsetByCodePoints(0, limit)) + "…";
        }
        return new PushMessage(message.channelId().toString(), subscription.channelName(), subscription.channelType(),
                message.messageId().toString(), message.senderId(), senderName, preview, mentioned);
    }

    private boolean online(long userId) {
        return redis.getScoredSortedSet(PresenceKeys.devices(userId), StringCodec.INSTANCE)
                .count(System.currentTimeMillis(), false, Double.POSITIVE_INFINITY, true) > 0;
    }

    /** @return whether the member got a notification for the channel within the window (else it counts this one) */
    private boolean collapsed(long userId, UUID channelId) {
        long now = System.nanoTime();
        long window = settings.collapse().toNanos();
        boolean[] recent = {false};
        lastPushed.compute(userId + ":" + channelId, (key, last) -> {
            if (last != null && now - last < window) {
                recent[0] = true;
                return last;
            }
            return now;
        });
        if (recent[0]) {
            metrics.pushCollapsed();
        }
        return recent[0];
    }

    private void pruneCollapseWindow() {
        if (lastPushed.size() > 100_000) {
            long now = System.nanoTime();
            lastPushed.values().removeIf(last -> now - last > settings.collapse().toNanos());
        }
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.shutdownNow();
    }
}
