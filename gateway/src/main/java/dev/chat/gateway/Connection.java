package dev.chat.gateway;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One open socket of a user: its id, its outbox, the fan-out topics it receives, when it last
 * answered a ping, when its token expires, when it last sent typing per channel, and the channels
 * it has resumed (see {@link ResumeGate}). Thread-safe: fields are final, concurrent or volatile;
 * the outbox has its own single writer.
 */
final class Connection {

    private final String id;
    private final long userId;
    private final Outbox outbox;
    private final int maxHeld;
    private final java.time.Instant tokenExpiry;
    private final String tokenId;
    private final Set<String> topics = ConcurrentHashMap.newKeySet();
    private final Map<UUID, Typing> typing = new ConcurrentHashMap<>();

    /** What this socket last sent out as typing for a channel. */
    private record Typing(long startNanos, boolean started) {
    }
    private volatile Map<UUID, ResumeGate> resumes;
    private volatile long lastPongMillis = System.currentTimeMillis();

    Connection(String id, long userId, java.time.Instant tokenExpiry, String tokenId, Outbox outbox, int maxHeld) {
        this.id = id;
        this.userId = userId;
        this.tokenExpiry = tokenExpiry;
        this.tokenId = tokenId;
        this.outbox = outbox;
        this.maxHeld = maxHeld;
    }

    /** @return when the token the socket was opened with expires (the socket is closed then) */
    java.time.Instant tokenExpiry() {
        return tokenExpiry;
    }

    /** @return the API token the socket was opened with (closed when it is revoked), null for a JWT */
    String tokenId() {
        return tokenId;
    }

    /**
     * Whether a typing frame for the channel may go out now: a start at most once per
     * {@code interval}, a stop only after a start that was not stopped yet. So at most two per
     * interval, however the frames alternate. Called from the socket's reader thread only.
     *
     * @param channelId the channel
     * @param start     typing_start (true) or typing_stop
     * @param interval  the shortest gap between two starts
     * @return true if it may (and it is counted), false to drop it
     */
    boolean typingAllowed(UUID channelId, boolean start, java.time.Duration interval) {
        long now = System.nanoTime();
        Typing last = typing.get(channelId);
        if (start) {
            if (last != null && now - last.startNanos() < interval.toNanos()) {
                return false;
            }
            typing.put(channelId, new Typing(now, true));
            return true;
        }
        if (last == null || !last.started()) {
            return false;
        }
        typing.put(channelId, new Typing(last.startNanos(), false));
        return true;
    }

    /**
     * The socket sent a message to the channel: that ends its typing there, so the next
     * {@code typing_start} (the user typing the next message) goes out at once.
     *
     * @param channelId the channel
     */
    void messageSent(UUID channelId) {
        typing.remove(channelId);
    }

    /** @return how many users' presence this socket watches */
    long watchedUsers() {
        return topics.stream().filter(topic -> topic.startsWith(dev.chat.common.channel.ChannelKeys.PRESENCE_TOPIC_PREFIX)).count();
    }

    /** @return unique within the cluster: gateway instance id + sequence */
    String id() {
        return id;
    }

    long userId() {
        return userId;
    }

    Outbox outbox() {
        return outbox;
    }

    /** @return the fan-out topics (channel:…, presence:…) this socket receives */
    Set<String> topics() {
        return topics;
    }

    /**
     * Queues a live channel event, through the channel's resume gate if it was ever resumed here.
     *
     * @param channelId the channel
     * @param epoch     the event's epoch
     * @param seq       its seq
     * @param frame     its frame
     * @param starts    collects the fan-out's sockets that need a writer
     */
    void deliver(UUID channelId, String epoch, long seq, String frame, WriterStarts starts) {
        Map<UUID, ResumeGate> gates = resumes;
        ResumeGate gate = gates == null ? null : gates.get(channelId);
        if (gate == null) {
            outbox.send(frame, false, starts);
        } else {
            gate.live(epoch, seq, frame);
        }
    }

    /**
     * @param channelId a channel about to be resumed
     * @return its gate (created on first use: most sockets never resume)
     */
    ResumeGate resumeGate(UUID channelId) {
        Map<UUID, ResumeGate> gates = resumes;
        if (gates == null) {
            synchronized (this) {
                if (resumes == null) {
                    resumes = new ConcurrentHashMap<>();
                }
                gates = resumes;
            }
        }
        return gates.computeIfAbsent(channelId, channel -> new ResumeGate(outbox, maxHeld));
    }

    void ponged() {
        lastPongMillis = System.currentTimeMillis();
    }

    long lastPongMillis() {
        return lastPongMillis;
    }

    @Override
    public String toString() {
        return "connection " + id + " of user " + userId;
    }
}
