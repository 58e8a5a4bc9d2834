package dev.chat.common.runtime;

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
    /** For an informational check: what does not work while the service is unreachable (else null). */
    private final String without;
    private final AtomicBoolean up = new AtomicBoolean(true);

    /**
     * @param name  shown in /observe/health, e.g. "redis"
     * @param probe asks the service something real
     */
    public ReadinessCheck(String name, BooleanSupplier probe) {
        this(name, probe, null);
    }

    private ReadinessCheck(String name, BooleanSupplier probe, String without) {
        this.name = name;
        this.probe = probe;
        this.without = without;
    }

    /**
     * A check that is reported (state {@code reachable} true/false, the error, logged on change)
     * but never makes the service unready: for a backing service the service degrades without.
     *
     * @param name    shown in /observe/health
     * @param probe   asks the service something real
     * @param without what does not work while it is unreachable, shown with the state
     * @return the check
     */
    public static ReadinessCheck informational(String name, BooleanSupplier probe, String without) {
        return new ReadinessCheck(name, probe, without);
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
        String error = probeError();
        if (without != null) {
            HealthCheckResponse.Builder informational = HealthCheckResponse.builder().status(true).detail("reachable", error == null);
            return (error == null ? informational : informational.detail("error", error).detail("affects", without)).build();
        }
        return error == null ? HealthCheckResponse.builder().status(true).build()
                : HealthCheckResponse.builder().status(false).detail("error", error).build();
    }

    /** @return null when the probe succeeded, else why not (each change of state is logged) */
    private String probeError() {
        String error;
        try {
            if (probe.getAsBoolean()) {
                if (!up.getAndSet(true)) {
                    LOG.log(System.Logger.Level.INFO, "{0} is reachable again", name);
                }
                return null;
            }
            error = "the probe answered no";
        } catch (RuntimeException e) {
            error = describe(e);
        }
        if (up.getAndSet(false)) {
            LOG.log(System.Logger.Level.WARNING, "{0} is not ready: {1}", name, error);
        }
        return error;
    }

    /**
     * @param failure what a probe threw
     * @return its message, or (for exceptions without one, such as timeouts) its kind in words
     */
    public static String describe(Throwable failure) {
        String message = failure.getMessage();
        if (message != null && !message.isBlank()) {
            return message;
        }
        Throwable cause = failure.getCause();
        if (cause != null && cause != failure && cause.getMessage() != null) {
            return failure.getClass().getSimpleName() + ": " + cause.getMessage();
        }
        return failure instanceof java.util.concurrent.TimeoutException ? "no answer in time"
                : failure.getClass().getSimpleName() + " (no message)";
    }
}
