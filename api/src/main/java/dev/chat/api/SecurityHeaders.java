package dev.chat.api;

import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Response headers that keep browsers from misusing what the api serves: no MIME sniffing, no
 * referrer leaking ids, no framing, and a Content-Security-Policy for the web client that allows
 * only its own scripts and styles and sockets to the configured gateways. Thread-safe (immutable).
 */
final class SecurityHeaders implements Filter {

    private static final HeaderName REFERRER_POLICY = HeaderNames.create("Referrer-Policy");
    private static final HeaderName FRAME_OPTIONS = HeaderNames.create("X-Frame-Options");
    private static final HeaderName CONTENT_SECURITY_POLICY = HeaderNames.create("Content-Security-Policy");

    private final String policy;

    /**
     * @param gateways   the gateway URLs the web client connects to (ws://host:port/ws)
     * @param fileOrigin the file store's origin (uploads go there, images come from there), if any
     */
    SecurityHeaders(List<String> gateways, java.util.Optional<String> fileOrigin) {
        String sockets = gateways.stream().map(SecurityHeaders::origin).distinct().collect(Collectors.joining(" "));
        String files = fileOrigin.map(origin -> " " + origin).orElse("");
        this.policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:" + files + "; connect-src 'self' "
                + sockets + files + "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    private static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        response.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        response.header(REFERRER_POLICY, "no-referrer");
        response.header(FRAME_OPTIONS, "DENY");
        response.header(CONTENT_SECURITY_POLICY, policy);
        chain.proceed();
    }
}
