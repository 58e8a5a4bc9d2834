package dev.chat.common.channel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.chat.common.runtime.RedisConnection;
import dev.chat.common.runtime.ServiceConfig;
import dev.chat.common.store.TimeUuids;
import dev.chat.common.wire.ChannelEvent;
import dev.chat.common.wire.ChatMessage;
import dev.chat.common.wire.Hello;
import dev.chat.common.wire.MessageChange;
import dev.chat.common.wire.MessageDeleted;
import dev.chat.common.wire.MessageUpdated;
import dev.chat.common.wire.Reaction;
import io.helidon.config.Config;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The {@link ChannelSequencer} in Redis, one atomic Lua script per call ({@code channel-append.lua}
 * beside this class): idempotency by send entry, the checks of a message's changes on its state
 * (kept for {@code channels.messagestateseconds}), the channel's next {@code seq} (and its
 * {@code epoch} when it has none), a message time that grows with seq, the capped recovery log,
 * and the Pub/Sub publish, so every gateway and api instance sees a channel's events in one
 * order. Also serves {@code resume} from the recovery log ({@code channel-resume.lua}) and reads
 * channels' current positions for {@code hello}. Thread-safe; every call blocks on Redis.
 */
public final class RedisChannelSequencer implements ChannelSequencer {

    private static final String APPEND = script("channel-append.lua");
    private static final String RESUME = script("channel-resume.lua");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A member's unread mentions in a channel are kept this long after the latest. */
    private static final Duration MENTIONS_TTL = Duration.ofDays(30);

    private final RedissonClient redis;
    private final String publishCommand;
    private final Settings settings;
    private final String node;

    /**
     * The recovery log's bounds and the lifetimes of what the step remembers.
     *
     * @param logEvents    events kept per channel for resume
     * @param logWindow    how long an event stays replayable
     * @param sendTtl      how long a send's client_id is remembered in Redis
     * @param messageTtl   how long a message's state (sender, deleted, reactions) stays in Redis
     *                     after its last change; older messages' changes read it from history
     */
    public record Settings(int logEvents, Duration logWindow, Duration sendTtl, Duration messageTtl) {

        /**
         * @param config configuration root ({@code channels.*})
         * @return the validated settings
         */
        public static Settings create(Config config) {
            return new Settings(ServiceConfig.positiveInt(config, "channels.logevents", 1000),
                    Duration.ofSeconds(ServiceConfig.positiveInt(config, "channels.logwindowseconds", 600)),
                    Duration.ofMinutes(ServiceConfig.positiveInt(config, "channels.sendttlminutes", 1440)),
                    Duration.ofSeconds(ServiceConfig.positiveInt(config, "channels.messagestateseconds", 900)));
        }
    }

    /**
     * The answer to a resume.
     *
     * @param resumed whether the events are every one after the client's seq (else: resync)
     * @param epoch   the channel's current epoch (null if it has none)
     * @param seq     the channel's current seq
     * @param events  the events after the client's seq, in order (empty on resync)
     */
    public record Replay(boolean resumed, String epoch, long seq, List<ChannelEvent> events) {
    }

    /**
     * @param redis    the connection (and whether channel topics are sharded)
     * @param settings bounds
     * @param ids      the TIMEUUID generator whose clock sequence and node this instance's ids carry
     */
    public RedisChannelSequencer(RedisConnection redis, Settings settings, TimeUuids ids) {
        this.redis = redis.client();
        this.publishCommand = redis.topics().channelPublishCommand();
        this.settings = settings;
        this.node = Long.toHexString(ids.node());
    }

    @Override
    public Appended appendSend(ChannelEvent draft, long senderId, String clientId) {
        UUID channel = draft.channelId();
        UUID replyTo = draft instanceof ChatMessage message ? message.replyTo() : null;
        List<String> more = new ArrayList<>(replyTo == null ? List.of("", "", "") : List.of(ChannelKeys.message(channel, replyTo),
                Long.toHexString(replyTo.getLeastSignificantBits()), replyTo.toString()));
        more.add(Long.toString(MENTIONS_TTL.toMillis()));
        more.add(draft instanceof ChatMessage message && message.attachment() != null
                ? message.attachment().fileId().toString() : "");
        if (draft instanceof ChatMessage message) {
            message.mentions().forEach(user -> more.add(Long.toString(user)));
        }
        List<Object> reply = run(draft, ChannelKeys.send(channel, senderId, clientId), "send", Long.toString(senderId),
                more.toArray(String[]::new));
        ChannelPosition position = ChannelPosition.parse((String) reply.get(1));
        if ("new".equals(reply.get(0))) {
            ChannelEvent placed = reply.size() > 2 && reply.get(2) instanceof String root
                    ? ((ChatMessage) draft).replyingTo(UUID.fromString(root)) : draft;
            return new Appended(placed.at(position), false);
        }
        Object original = reply.size() > 2 ? reply.get(2) : null;
        return new Appended(original instanceof String envelope ? ChannelEnvelope.decode(envelope) : draft.at(position),
                true);
    }

    @Override
    public Decision change(ChannelEvent draft, long authorId, boolean mayDeleteOthers, MessageState known) {
        if (!(draft instanceof MessageChange change)) {
            throw new IllegalArgumentException("not a change of a message: " + draft.getClass().getSimpleName());
        }
        UUID messageId = change.messageId();
        String kind = switch (draft) {
            case MessageUpdated edit -> "edit";
            case MessageDeleted deletion -> "delete";
            case Reaction reaction -> Reaction.ADD.equals(reaction.action()) ? "react" : "unreact";
            default -> throw new IllegalStateException();
        };
        long node = messageId.getLeastSignificantBits();
        List<String> extra = new ArrayList<>(List.of(Long.toHexString(node), mayDeleteOthers ? "1" : "0",
                draft instanceof Reaction reaction ? reaction.emoji() : "", Integer.toString(MessageState.MAX_DISTINCT_EMOJI)));
        if (known != null) {
            extra.addAll(known.fields(node));
        }
        List<Object> reply = run(draft, ChannelKeys.message(draft.channelId(), messageId), kind, Long.toString(authorId),
                extra.toArray(String[]::new));
        if ("refused".equals(reply.get(0))) {
            return new Refused(Refusal.valueOf(((String) reply.get(1)).toUpperCase(java.util.Locale.ROOT)));
        }
        return new Placed(draft.at(ChannelPosition.parse((String) reply.get(1))));
    }

    /**
     * The file a message carried, while the step keeps the message's state (its changes renew it):
     * what a deletion must remove from the store.
     *
     * @return the file's id, or null when it carried none (or its state is gone)
     */
    public String fileOf(UUID channel, UUID messageId) {
        return redis.<String, String>getMap(ChannelKeys.message(channel, messageId), StringCodec.INSTANCE).get("f");
    }

    private List<Object> run(ChannelEvent draft, String thirdKey, String kind, String author, String... more) {
        UUID channel = draft.channelId();
        List<Object> args = new ArrayList<>(List.of(newEpoch(), ChannelEnvelope.draft(draft), ChannelKeys.topic(channel),
                Integer.toString(settings.logEvents()), Long.toString(settings.logWindow().toMillis()),
                Long.toString(settings.sendTtl().toMillis()), node, publishCommand, kind, author,
                Long.toString(settings.messageTtl().toMillis())));
        args.addAll(List.of(more));
        return redis.getScript(StringCodec.INSTANCE).eval(ChannelKeys.state(channel), RScript.Mode.READ_WRITE, APPEND,
                RScript.ReturnType.LIST, List.of(ChannelKeys.state(channel), ChannelKeys.log(channel), thirdKey),
                args.toArray());
    }

    /**
     * Every event of a channel after a client's position, or the news that it must resync.
     *
     * @param channel  the channel
     * @param epoch    the client's epoch (null if it has none)
     * @param afterSeq the client's last seq
     * @return the replay
     */
    public Replay resume(UUID channel, String epoch, long afterSeq) {
        List<Object> reply = redis.getScript(StringCodec.INSTANCE).eval(ChannelKeys.state(channel),
                RScript.Mode.READ_ONLY, RESUME, RScript.ReturnType.LIST,
                List.of(ChannelKeys.state(channel), ChannelKeys.log(channel)),
                epoch == null ? "" : epoch, Long.toString(afterSeq), Integer.toString(settings.logEvents()),
                Long.toString(settings.logWindow().toSeconds()));
        List<ChannelEvent> events = new ArrayList<>(Math.max(0, reply.size() - 3));
        for (int i = 3; i < reply.size(); i++) {
            events.add(ChannelEnvelope.decode((String) reply.get(i)));
        }
        String current = (String) reply.get(1);
        return new Replay("resumed".equals(reply.get(0)), current.isEmpty() ? null : current,
                Long.parseLong((String) reply.get(2)), List.copyOf(events));
    }

    /**
     * The current position of several channels, in one round trip.
     *
     * @param channels the channels
     * @return each channel's epoch (null if it has none) and seq (0 if none)
     */
    public List<Hello.ChannelHead> heads(Collection<UUID> channels, long userId) {
        if (channels.isEmpty()) {
            return List.of();
        }
        RBatch batch = redis.createBatch();
        Map<UUID, RFuture<Map<String, String>>> pending = new LinkedHashMap<>();
        Map<UUID, RFuture<Integer>> mentions = new LinkedHashMap<>();
        for (UUID channel : channels) {
            pending.put(channel, batch.<String, String>getMap(ChannelKeys.state(channel), StringCodec.INSTANCE)
                    .getAllAsync(Set.of("epoch", "seq")));
            mentions.put(channel, batch.getScoredSortedSet(ChannelKeys.mentions(channel, userId), StringCodec.INSTANCE).sizeAsync());
        }
        batch.execute();
        List<Hello.ChannelHead> heads = new ArrayList<>(channels.size());
        pending.forEach((channel, future) -> {
            Map<String, String> state = future.toCompletableFuture().join();
            String seq = state.get("seq");
            heads.add(new Hello.ChannelHead(channel, state.get("epoch"), seq == null ? 0 : Long.parseLong(seq),
                    mentions.get(channel).toCompletableFuture().join()));
        });
        return heads;
    }

    /**
     * A member read a channel up to a message: the mentions of them up to it stop counting.
     *
     * @param channel the channel
     * @param userId  the member
     * @param upTo    the last message they read
     */
    public void mentionsRead(UUID channel, long userId, UUID upTo) {
        redis.getScoredSortedSet(ChannelKeys.mentions(channel, userId), StringCodec.INSTANCE)
                .removeRangeByScore(Double.NEGATIVE_INFINITY, true, TimeUuids.instant(upTo).toEpochMilli(), true);
    }

    /** A short, unique name for a new sequence: base-36 millis and random. */
    private static String newEpoch() {
        return Long.toString(System.currentTimeMillis(), 36) + Integer.toString(RANDOM.nextInt(36 * 36 * 36 * 36), 36);
    }

    private static String script(String name) {
        try (InputStream in = RedisChannelSequencer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
