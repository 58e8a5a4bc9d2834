package dev.chat.common;

import java.util.function.BooleanSupplier;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * A readiness check from a probe of a backing service: up when the probe returns true, down with
 * the error's message when it returns false or throws.
 *
 * @param name  shown in /observe/health, e.g. "redis"
 * @param probe asks the service something real
 */
public record ReadinessCheck(String name, BooleanSupplier probe) implements HealthCheck {

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            return HealthCheckResponse.builder().status(probe.getAsBoolean()).build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.builder().status(false).detail("error", String.valueOf(e.getMessage())).build();
        }
    }
}
