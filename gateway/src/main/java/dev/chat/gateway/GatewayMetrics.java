package dev.chat.gateway;

import java.time.Duration;
import java.util.function.Supplier;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Timer;

/**
 * The gateway's meters at {@code /observe/metrics}: connections, frames in and out, acks, errors by
 * code, Kafka send latency, fan-out latency, socket write latency, dropped frames and slow-consumer
 * closes.
 * Thread-safe (the meters are).
 */
final class GatewayMetrics implements dev.chat.common.channel.ChannelWriter.Meters {

    private final MeterRegistry registry;
    private final Counter framesIn;
    private final Counter framesOut;
    private final Counter acks;
    private final Counter overflows;
    private final Counter dropped;
    private final Counter deadPeers;
    private final Counter resumes;
    private final Counter resyncs;
    private final Counter rateLimited;
    private final Counter membershipLoads;
    private final Timer kafkaSend;
    private final Timer sequence;
    private final Timer fanOut;
    private final Timer written;

    GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.framesIn = counter("chat.gateway.frames.in", "client frames received");
        this.framesOut = counter("chat.gateway.frames.out", "frames written to sockets");
        this.acks = counter("chat.gateway.acks", "sends acknowledged after Kafka confirmed");
        this.overflows = counter("chat.gateway.slow.consumers", "sockets closed because their send queue overflowed");
        this.dropped = counter("chat.gateway.frames.dropped", "typing/presence frames dropped under pressure");
        this.deadPeers = counter("chat.gateway.dead.peers", "sockets closed because they answered no ping in time");
        this.resumes = counter("chat.gateway.resumes", "resumes answered from the recovery log");
        this.resyncs = counter("chat.gateway.resyncs", "resumes answered with resync");
        this.membershipLoads = counter("chat.gateway.membership.loads",
                "users' channel lists read from PostgreSQL (membership cache misses)");
        this.rateLimited = counter("chat.gateway.rate.limited", "frames refused because a socket sent too many per second");
        this.sequence = timer("chat.gateway.sequence", "time of the per-channel step in Redis (sequence, log, publish)");
        this.kafkaSend = timer("chat.gateway.kafka.send", "time from send to Kafka's acknowledgement");
        this.fanOut = timer("chat.gateway.fanout", "time from a message's creation to its queueing on a local socket");
        this.written = timer("chat.gateway.written",
                "time from a frame's queueing on a socket to its write into the socket (queue wait and write)");
    }

    void membershipLoaded() {
        membershipLoads.increment();
    }

    void connections(Supplier<Integer> count) {
        registry.getOrCreate(Gauge.builder("chat.gateway.connections", count)
                .description("open WebSocket connections"));
    }

    void frameIn() {
        framesIn.increment();
    }

    /** A frame queued at {@code queuedNanos} ({@link System#nanoTime()}) is now written. */
    void frameOut(long queuedNanos) {
        framesOut.increment();
        written.record(Duration.ofNanos(System.nanoTime() - queuedNanos));
    }

    void ack() {
        acks.increment();
    }

    void overflow() {
        overflows.increment();
    }

    void deadPeer() {
        deadPeers.increment();
    }

    void resumed(boolean fromLog) {
        (fromLog ? resumes : resyncs).increment();
    }

    void rateLimited() {
        rateLimited.increment();
    }

    void dropped() {
        dropped.increment();
    }

    void error(String code) {
        registry.getOrCreate(Counter.builder("chat.gateway.errors")
                .description("error frames sent, by code")
                .tags(Metrics.tags("code", code))).increment();
    }

    @Override
    public void sequenced(Duration took) {
        sequence.record(took);
    }

    /** The gateway's writer appends only sends: an event in Kafka is an acknowledged send. */
    @Override
    public void written(Duration took) {
        kafkaSend(took);
        ack();
    }

    void kafkaSend(Duration took) {
        kafkaSend.record(took);
    }

    void fanOut(Duration took) {
        fanOut.record(took);
    }

    private Counter counter(String name, String description) {
        return registry.getOrCreate(Counter.builder(name).description(description));
    }

    private Timer timer(String name, String description) {
        return registry.getOrCreate(Timer.builder(name).description(description).percentiles(0.5, 0.99, 0.999));
    }
}
