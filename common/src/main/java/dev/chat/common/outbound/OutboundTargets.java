package dev.chat.common.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

import io.helidon.config.Config;

/**
 * Which URLs the notifier may call (webhooks, push endpoints): {@code http} or {@code https} with a
 * host, and - unless {@code outbound.allowprivatetargets} is true (the local stack) - only a host whose every address
 * is public: not loopback, private (RFC 1918, fc00::/7), link-local, carrier-grade NAT, multicast
 * or unspecified. Otherwise anyone who may add a webhook or a push subscription could make the
 * notifier call services inside the network. The api checks when one is registered and the
 * notifier again before each delivery (DNS may have changed since). Thread-safe.
 */
public final class OutboundTargets {

    /** Longest URL accepted. */
    public static final int MAX_URL = 2048;

    private final boolean allowPrivate;

    /** @param allowPrivate whether loopback and private addresses are allowed (the local stack) */
    public OutboundTargets(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /**
     * @param config configuration root ({@code outbound.allowprivatetargets}, default false)
     * @return the policy
     */
    public static OutboundTargets create(Config config) {
        return new OutboundTargets(config.get("outbound.allowprivatetargets").asBoolean().orElse(false));
    }

    /** A URL that may not be called; the message says why. */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * @param url a URL to call
     * @return it, parsed
     * @throws Refused if it is malformed, not http(s), its host does not resolve or resolves to a
     *                 private address that is not allowed
     */
    public URI check(String url) throws Refused {
        URI uri = syntax(url);
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            throw new Refused("the host '" + uri.getHost() + "' does not resolve");
        }
        if (!allowPrivate) {
            for (InetAddress address : addresses) {
                if (!isPublic(address)) {
                    throw new Refused("'" + uri.getHost() + "' resolves to " + address.getHostAddress()
                            + ", a loopback or private address (allowed only with outbound.allowprivatetargets)");
                }
            }
        }
        return uri;
    }

    private static URI syntax(String url) throws Refused {
        if (url.length() > MAX_URL) {
            throw new Refused("the URL is longer than " + MAX_URL + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new Refused("not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refused("only http and https URLs are allowed");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new Refused("the URL has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new Refused("the URL may not contain a user name or password");
        }
        if (uri.getRawFragment() != null) {
            throw new Refused("the URL may not contain a fragment (#...)");
        }
        return uri;
    }

    /** @return whether the address is on the public internet */
    static boolean isPublic(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = bytes[0] & 0xff;
            int second = bytes[1] & 0xff;
            return first != 0 && !(first == 100 && second >= 64 && second < 128) // carrier-grade NAT
                    && !(first == 192 && second == 0 && (bytes[2] & 0xff) == 0) && first < 240;
        }
        if (address instanceof Inet6Address) {
            return (bytes[0] & 0xfe) != 0xfc; // unique local fc00::/7
        }
        return false;
    }
}
