package dev.chat.api;

import java.time.Duration;
import java.util.regex.Pattern;

import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Timer;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Times every {@code /api/v1} request as {@code chat.api.requests}, tagged by method, route
 * (ids replaced by {@code {id}}) and status, so latency and errors show per route. Thread-safe.
 */
final class RequestMetrics implements Filter {

    private static final Pattern ID = Pattern.compile("/([0-9a-fA-F-]{36}|\\d+)(?=/|$)");

    private final MeterRegistry registry;

    RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        String path = request.path().path();
        if (!path.startsWith("/api/")) {
            chain.proceed();
            return;
        }
        long start = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            registry.getOrCreate(Timer.builder("chat.api.requests")
                            .description("api requests by route and status")
                            .tags(Metrics.tags("method", request.prologue().method().text(),
                                    "route", ID.matcher(path).replaceAll("/{id}"),
                                    "status", Integer.toString(response.status().code()))))
                    .record(Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
