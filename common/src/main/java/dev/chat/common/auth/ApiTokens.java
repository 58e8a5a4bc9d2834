package dev.chat.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.sql.DataSource;

import dev.chat.common.store.UserTables;

/**
 * Checks the long-lived opaque API tokens of bots ({@code chat_} + 43 random characters) against
 * PostgreSQL, where only their SHA-256 is kept. A token found valid is cached for
 * {@code cacheTtl}; revocations reach every instance within {@code pollInterval}: a poller asks
 * PostgreSQL what was revoked lately, drops those tokens from the cache and tells the listeners
 * (the gateway closes their sockets). Thread-safe.
 */
public final class ApiTokens implements AutoCloseable {

    /** Every API token starts with this, so secret scanners and the checks can tell it from a JWT. */
    public static final String PREFIX = "chat_";
    /** Far enough never to close a socket, near enough for epoch-millisecond arithmetic. */
    static final Instant NEVER = Instant.parse("9999-01-01T00:00:00Z");
    private static final int RANDOM_BYTES = 32;
    private static final int MAX_CACHED = 10_000;
    /** Revocations are looked for this far back, so one committed late is still seen. */
    private static final Duration OVERLAP = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final System.Logger LOG = System.getLogger(ApiTokens.class.getName());

    private final DataSource db;
    private final Duration cacheTtl;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, Instant> seenRevocations = new ConcurrentHashMap<>();
    private final List<Consumer<String>> revocationListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService poller;

    private record Cached(Tokens.Bearer bearer, long loadedNanos) {
    }

    /**
     * @param db           PostgreSQL with the {@code api_tokens} table
     * @param cacheTtl     how long a token found valid is not looked up again
     * @param pollInterval how often revocations are looked for
     */
    public ApiTokens(DataSource db, Duration cacheTtl, Duration pollInterval) {
        this.db = db;
        this.cacheTtl = cacheTtl;
        this.poller = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("api-token-revocations").daemon().factory());
        poller.scheduleWithFixedDelay(this::pollRevocations, 0, pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @param listener told the id of each revoked token (once per instance), on the poller thread */
    public void onRevoked(Consumer<String> listener) {
        revocationListeners.add(listener);
    }

    /** @return whether the bearer value is an API token rather than a JWT */
    public static boolean isApiToken(String token) {
        return token != null && token.startsWith(PREFIX);
    }

    /**
     * @param token an API token
     * @return its bot and token id
     * @throws Tokens.InvalidToken if unknown or revoked
     * @throws IllegalStateException if PostgreSQL cannot be asked
     */
    public Tokens.Bearer check(String token) throws Tokens.InvalidToken {
        byte[] digest = hash(token);
        String hash = hex(digest);
        Cached cached = cache.get(hash);
        if (cached != null && System.nanoTime() - cached.loadedNanos() < cacheTtl.toNanos()) {
            return cached.bearer();
        }
        // last_used_at is written when a token is loaded, so at most once per cache period per instance
        try (Connection connection = db.getConnection();
             PreparedStatement use = connection.prepareStatement(UserTables.USE_TOKEN)) {
            use.setBytes(1, digest);
            try (ResultSet row = use.executeQuery()) {
                if (!row.next()) {
                    cache.remove(hash);
                    throw new Tokens.InvalidToken("unknown or revoked API token");
                }
                Tokens.Bearer bearer = new Tokens.Bearer(row.getLong(2), NEVER, row.getString(1));
                if (cache.size() >= MAX_CACHED) {
                    cache.clear();
                }
                cache.put(hash, new Cached(bearer, System.nanoTime()));
                return bearer;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("API tokens cannot be checked, PostgreSQL: " + e.getMessage(), e);
        }
    }

    private void pollRevocations() {
        try (Connection connection = db.getConnection();
             PreparedStatement revoked = connection.prepareStatement(UserTables.RECENT_REVOCATIONS)) {
            revoked.setString(1, OVERLAP.toSeconds() + " seconds");
            List<String> fresh = new ArrayList<>();
            try (ResultSet rows = revoked.executeQuery()) {
                while (rows.next()) {
                    String id = rows.getString(1);
                    if (seenRevocations.putIfAbsent(id, rows.getTimestamp(2).toInstant()) == null) {
                        fresh.add(id);
                    }
                }
            }
            Instant forget = Instant.now().minus(OVERLAP.multipliedBy(2));
            seenRevocations.values().removeIf(at -> at.isBefore(forget));
            for (String id : fresh) {
                cache.values().removeIf(entry -> id.equals(entry.bearer().tokenId()));
                revocationListeners.forEach(listener -> listener.accept(id));
            }
        } catch (SQLException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "API token revocations not polled: {0}", e.getMessage());
        }
    }

    /** @return a new random token (shown once; store only its {@link #hash}) */
    public static String mint() {
        byte[] random = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(random);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** @return the SHA-256 of a token, as stored (a random 256-bit secret needs no slow hash) */
    public static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /** @return a timestamp column as an optional instant */
    static Optional<Instant> instant(Timestamp timestamp) {
        return Optional.ofNullable(timestamp).map(Timestamp::toInstant);
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
