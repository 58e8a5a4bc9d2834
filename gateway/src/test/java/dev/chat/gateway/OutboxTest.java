package dev.chat.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.socket.SocketContext;
import io.helidon.metrics.api.Metrics;
import io.helidon.websocket.WsSession;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fan-outs through {@link Outbox} and {@link WriterStarts}, as the Redis I/O thread runs them:
 * every socket gets every frame in fan-out order, and a socket that stopped reading delays no other.
 */
class OutboxTest {

    private static final GatewayMetrics METRICS = new GatewayMetrics(Metrics.globalRegistry());

    @Test
    void everySocketGetsEveryFanOutInOrder() {
        List<RecordingSession> sessions = IntStream.range(0, 5).mapToObj(i -> new RecordingSession(null)).toList();
        List<Outbox> outboxes = sessions.stream().map(OutboxTest::outbox).toList();

        for (int i = 0; i < 500; i++) {
            fanOut(outboxes, "frame " + i);
        }

        List<String> expected = IntStream.range(0, 500).mapToObj(i -> "frame " + i).toList();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> sessions.forEach(session ->
                assertThat(session.frames).containsExactlyElementsOf(expected)));
    }

    @Test
    void aSocketWhoseWriteBlocksDelaysNoOther() throws InterruptedException {
        CountDownLatch peerReads = new CountDownLatch(1);
        // the first socket of a fan-out is written by the thread that starts the others: block it
        RecordingSession stuck = new RecordingSession(peerReads);
        List<RecordingSession> others = List.of(new RecordingSession(null), new RecordingSession(null));
        List<Outbox> outboxes = new ArrayList<>();
        outboxes.add(outbox(stuck));
        others.forEach(session -> outboxes.add(outbox(session)));

        for (int i = 0; i < 20; i++) {
            fanOut(outboxes, "frame " + i);
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> others.forEach(session ->
                assertThat(session.frames).hasSize(20)));
        assertThat(stuck.frames).hasSizeLessThanOrEqualTo(1);
        peerReads.countDown();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(stuck.frames).hasSize(20));
    }

    private static void fanOut(List<Outbox> outboxes, String frame) {
        WriterStarts starts = new WriterStarts();
        outboxes.forEach(outbox -> outbox.send(frame, false, starts));
        starts.start();
    }

    private static Outbox outbox(WsSession session) {
        return new Outbox(session, 256, 1 << 20, METRICS, "test", () -> { });
    }

    /** A socket that records the text frames written to it; its writes block until {@code reads} opens. */
    private static final class RecordingSession implements WsSession {

        final List<String> frames = new CopyOnWriteArrayList<>();
        private final CountDownLatch reads;

        RecordingSession(CountDownLatch reads) {
            this.reads = reads;
        }

        @Override
        public WsSession send(String text, boolean last) {
            frames.add(text);
            if (reads != null) {
                try {
                    reads.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            return this;
        }

        @Override
        public WsSession send(BufferData bufferData, boolean last) {
            return this;
        }

        @Override
        public WsSession ping(BufferData bufferData) {
            return this;
        }

        @Override
        public WsSession pong(BufferData bufferData) {
            return this;
        }

        @Override
        public WsSession close(int code, String reason) {
            return this;
        }

        @Override
        public WsSession terminate() {
            return this;
        }

        @Override
        public SocketContext socketContext() {
            throw new UnsupportedOperationException("not needed by the outbox");
        }
    }
}
