package dev.chat.gateway;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import dev.chat.common.TimeUuids;
import dev.chat.common.wire.Ack;
import dev.chat.common.wire.ChatMessage;
import dev.chat.common.wire.ClientFrame;
import dev.chat.common.wire.ErrorCode;
import dev.chat.common.wire.ErrorFrame;
import dev.chat.common.wire.ServerEvent;

/**
 * The send path: membership check, idempotency, TIMEUUID, Kafka write and Redis fan-out in
 * parallel, and an {@code ack} only after Kafka confirmed. While Kafka is failing, fan-out waits
 * for Kafka's confirmation so recipients do not see messages that may never become durable.
 * A retry of a send that was never acknowledged is written again under its first message_id and
 * is fanned out only if the first attempt was not. Thread-safe; blocks (call it on a virtual thread).
 */
final class SendService {

    private static final System.Logger LOG = System.getLogger(SendService.class.getName());

    private final Memberships memberships;
    private final SendLedger ledger;
    private final MessageLog log;
    private final FanOut fanOut;
    private final TimeUuids ids;
    private final GatewayMetrics metrics;
    private final Lock[] stripes = new Lock[64];

    SendService(Memberships memberships, SendLedger ledger, MessageLog log, FanOut fanOut, TimeUuids ids,
                GatewayMetrics metrics) {
        this.memberships = memberships;
        this.ledger = ledger;
        this.log = log;
        this.fanOut = fanOut;
        this.ids = ids;
        this.metrics = metrics;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /**
     * @param senderId the authenticated sender
     * @param send     the validated frame
     * @return the {@code ack}, or an {@code error} (not_member, unavailable)
     */
    ServerEvent send(long senderId, ClientFrame.Send send) {
        if (!memberships.isMember(send.channelId(), senderId)) {
            return new ErrorFrame(ErrorCode.NOT_MEMBER, "not a member of channel " + send.channelId()
                    + " (or it does not exist)", send.clientId());
        }
        SendLedger.Outcome outcome = ledger.begin(send.channelId(), senderId, send.clientId(), ids::next);
        SendLedger.Entry entry = outcome.entry();
        if (outcome instanceof SendLedger.Done) {
            return ack(send, entry);
        }
        ChatMessage message = new ChatMessage(send.channelId(), entry.messageId(), senderId, send.clientId(),
                send.content(), send.msgType(), entry.createdAt());
        boolean fannedOut = entry.fannedOut();
        long start = System.nanoTime();
        CompletableFuture<Void> durable;
        if (!fannedOut && outcome instanceof SendLedger.New && log.healthy()) {
            // Kafka write and fan-out in parallel; per channel in one order on both paths
            Lock lock = stripes[Math.floorMod(send.channelId().hashCode(), stripes.length)];
            lock.lock();
            try {
                durable = log.append(message);
                fannedOut = publish(message);
            } finally {
                lock.unlock();
            }
        } else {
            durable = log.append(message);
        }
        try {
            durable.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable(send, senderId, entry, fannedOut);
        } catch (ExecutionException e) {
            return unavailable(send, senderId, entry, fannedOut);
        }
        metrics.kafkaSend(Duration.ofNanos(System.nanoTime() - start));
        if (!fannedOut) {
            publish(message);
        }
        SendLedger.Entry done = new SendLedger.Entry(entry.messageId(), entry.createdAt(), true, true);
        ledger.update(send.channelId(), senderId, send.clientId(), done);
        metrics.ack();
        return ack(send, done);
    }

    /**
     * The one place a chat message is published to its channel (seq/epoch will be added here).
     * Waits for Redis, so one channel's messages leave this gateway in order.
     *
     * @return whether Redis took it (fan-out is best effort: clients resync on reconnect)
     */
    private boolean publish(ChatMessage message) {
        try {
            fanOut.publishAndWait(FanOut.channelTopic(message.channelId()), message);
            return true;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "fan-out of {0} failed: {1}", message.messageId(), e.getMessage());
            return false;
        }
    }

    private ErrorFrame unavailable(ClientFrame.Send send, long senderId, SendLedger.Entry entry, boolean fannedOut) {
        if (fannedOut != entry.fannedOut()) {
            ledger.update(send.channelId(), senderId, send.clientId(),
                    new SendLedger.Entry(entry.messageId(), entry.createdAt(), false, fannedOut));
        }
        return new ErrorFrame(ErrorCode.UNAVAILABLE, "the message could not be stored in time;"
                + " retry with the same client_id", send.clientId());
    }

    private static Ack ack(ClientFrame.Send send, SendLedger.Entry entry) {
        return new Ack(send.clientId(), send.channelId(), entry.messageId(), entry.createdAt());
    }
}
