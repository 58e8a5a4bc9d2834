package dev.chat.common;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * A readiness check from a probe of a backing service: up when the probe returns true, down with
 * the error's message when it returns false or throws. Each change of state is logged with the
 * error, so operators see why a service is not ready even where health details are not served
 * ({@code observe.healthdetails}). Thread-safe.
 */
public final class ReadinessCheck implements HealthCheck {

    private static final System.Logger LOG = System.getLogger(ReadinessCheck.class.getName());

    private final String name;
    private final BooleanSupplier probe;
    private final AtomicBoolean up = new AtomicBoolean(true);

    /**
     * @param name  shown in /observe/health, e.g. "redis"
     * @param probe asks the service something real
     */
    public ReadinessCheck(String name, BooleanSupplier probe) {
        this.name = name;
        this.probe = probe;
    }

    /**
     * A check that is reported (state {@code reachable} true/false, the error, logged on change)
     * but never makes the service unready: for a backing service the service degrades without.
     *
     * @param name   shown in /observe/health
     * @param probe  asks the service something real
     * @param without what does not work while it is unreachable, shown with the state
     * @return the check
     */
    public static HealthCheck informational(String name, BooleanSupplier probe, String without) {
        ReadinessCheck check = new ReadinessCheck(name, probe);
        return new HealthCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public HealthCheckType type() {
                return HealthCheckType.READINESS;
            }

            @Override
            public HealthCheckResponse call() {
                HealthCheckResponse state = check.call();
                HealthCheckResponse.Builder response = HealthCheckResponse.builder().status(true)
                        .detail("reachable", state.status() == HealthCheckResponse.Status.UP);
                if (state.status() != HealthCheckResponse.Status.UP) {
                    response.detail("error", String.valueOf(state.details().get("error"))).detail("affects", without);
                }
                return response.build();
            }
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public HealthCheckResponse call() {
        String error;
        try {
            if (probe.getAsBoolean()) {
                if (!up.getAndSet(true)) {
                    LOG.log(System.Logger.Level.INFO, "{0} is reachable again", name);
                }
                return HealthCheckResponse.builder().status(true).build();
            }
            error = "the probe answered no";
        } catch (RuntimeException e) {
            error = String.valueOf(e.getMessage());
        }
        if (up.getAndSet(false)) {
            LOG.log(System.Logger.Level.WARNING, "{0} is not ready: {1}", name, error);
        }
        return HealthCheckResponse.builder().status(false).detail("error", error).build();
    }
}
