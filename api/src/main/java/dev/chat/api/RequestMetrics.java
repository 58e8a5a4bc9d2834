package dev.chat.api;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.regex.Pattern;

import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Timer;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Times every {@code /api/v1} request as {@code chat.api.requests}, tagged by method, route and
 * status, so latency and errors show per route. The route tag is one of the api's route templates
 * (ids replaced by {@code {id}}), or {@code other} for any path that is not a route: requests to
 * made-up paths cannot grow the registry. Thread-safe.
 */
final class RequestMetrics implements Filter {

    private static final Pattern ID = Pattern.compile("/([0-9a-fA-F-]{36}|\\d+)(?=/|$)");

    /** The route tag of every path that is not one of the api's routes. */
    static final String OTHER = "other";

    private final MeterRegistry registry;
    private final Set<String> routes;

    /**
     * @param registry where the timers go
     * @param routes   the api's routes, each "METHOD /path/{id}/..."
     */
    RequestMetrics(MeterRegistry registry, Collection<String> routes) {
        this.registry = registry;
        this.routes = Set.copyOf(routes);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        String path = request.path().path();
        if (!path.startsWith("/api/")) {
            chain.proceed();
            return;
        }
        String method = request.prologue().method().text();
        String template = ID.matcher(path).replaceAll("/{id}");
        String route = routes.contains(method + " " + template) ? template : OTHER;
        long start = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            registry.getOrCreate(Timer.builder("chat.api.requests")
                            .description("api requests by route and status")
                            .tags(Metrics.tags("method", route.equals(OTHER) ? OTHER : method,
                                    "route", route,
                                    "status", Integer.toString(response.status().code()))))
                    .record(Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
