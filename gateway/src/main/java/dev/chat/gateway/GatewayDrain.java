package dev.chat.gateway;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.chat.common.wire.Drain;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * Takes a gateway out of service without a stampede: readiness goes down first (load balancers
 * stop sending new sockets; a socket that still arrives is closed with 1012), then every socket is
 * closed with 1012 "service restart", spread over the drain window but never faster than needed
 * ({@code sockets / drainratepersecond}, capped by the window), so the other gateways take the
 * reconnects at a bounded rate. Clients reconnect elsewhere and resume by seq: nothing is missed,
 * and a send whose ack was lost is sent again with its client_id. Runs once, on SIGTERM or when
 * an operator asks ({@code chatctl drain}); a second call waits for the first. Thread-safe.
 */
final class GatewayDrain implements HealthCheck {

    private static final System.Logger LOG = System.getLogger(GatewayDrain.class.getName());
    /** RFC 6455 close code 1012: the service restarts, reconnect (elsewhere). */
    static final int SERVICE_RESTART = 1012;
    static final String REASON = "gateway draining: reconnect";

    private final Sessions sessions;
    private final GatewaySettings settings;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile String name;
    private volatile Runnable afterRequestedDrain = () -> { };

    GatewayDrain(Sessions sessions, GatewaySettings settings) {
        this.sessions = sessions;
        this.settings = settings;
    }

    /**
     * Names this gateway (drain requests name it) and says what follows a requested drain.
     *
     * @param name                as in the gateway directory
     * @param afterRequestedDrain e.g. exit the process
     */
    void identify(String name, Runnable afterRequestedDrain) {
        this.name = name;
        this.afterRequestedDrain = afterRequestedDrain;
    }

    /**
     * An operator's drain request from the control topic: acted on only by the gateway it names.
     *
     * @param request the request
     */
    void requested(Drain request) {
        if (name == null || !name.equals(request.gateway())) {
            return;
        }
        Duration window = request.windowMillis() == null ? settings.drainWindow() : Duration.ofMillis(request.windowMillis());
        Thread.ofPlatform().name("gateway-drain").daemon().start(() -> {
            run(window);
            afterRequestedDrain.run();
        });
    }

    /** @return whether a drain has started */
    boolean draining() {
        return started.get();
    }

    /**
     * Drains on the calling thread: returns when every socket has closed, or the window and the
     * shutdown grace have passed.
     *
     * @param window how long to spread the closes over at most
     */
    void run(Duration window) {
        if (!started.compareAndSet(false, true)) {
            awaitDone(window.plus(settings.shutdownGrace()));
            return;
        }
        try {
            sessions.refuseNew(SERVICE_RESTART, REASON);
            List<Connection> all = sessions.all();
            long spreadNanos = Math.min(window.toNanos(),
                    TimeUnit.SECONDS.toNanos(all.size()) / settings.drainRatePerSecond());
            LOG.log(System.Logger.Level.INFO, "gateway {0}: draining {1} sockets over {2} ms", name, all.size(),
                    TimeUnit.NANOSECONDS.toMillis(spreadNanos));
            long begin = System.nanoTime();
            for (int i = 0; i < all.size(); i++) {
                long wait = begin + spreadNanos * i / all.size() - System.nanoTime();
                if (wait > TimeUnit.MILLISECONDS.toNanos(2)) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
                all.get(i).outbox().close(SERVICE_RESTART, REASON);
            }
            long deadline = System.currentTimeMillis() + settings.shutdownGrace().toMillis();
            for (Connection connection : all) {
                connection.outbox().awaitClosed(Math.max(1, deadline - System.currentTimeMillis()));
            }
            LOG.log(System.Logger.Level.INFO, "gateway {0}: drained in {1} ms", name,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            done.countDown();
        }
    }

    private void awaitDone(Duration timeout) {
        try {
            done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String name() {
        return "drain";
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.builder().status(!draining()).detail("draining", draining()).build();
    }
}
