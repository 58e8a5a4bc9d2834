package dev.chat.common.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import dev.chat.common.runtime.ServiceConfig;
import io.helidon.config.Config;

/**
 * Issues and checks the bearer tokens of gateway and api: HS256 JWTs whose subject is the user id,
 * with an expiry, signed with the key from {@code auth.secret}. Keys rotate: tokens signed with one
 * of {@code auth.previoussecrets} are still accepted, new ones are signed with {@code auth.secret}.
 * Expiry and issue times are checked with a small clock-skew leeway. Outside the local profile a
 * service refuses to start without its own key (see {@link #create(Config)}). Thread-safe.
 */
public final class Tokens {

    /** Shortest signing key accepted (HS256 needs 256 bits). */
    public static final int MIN_SECRET_LENGTH = 32;
    /**
     * The local stack's signing key. It is public (it is in this source file), so it is only used on
     * the local profile; a service on any other profile refuses to start with it.
     */
    public static final String LOCAL_SECRET = "local-stack-secret-not-for-production-use";
    /** Default clock-skew leeway for {@code exp}, {@code iat} and {@code nbf}. */
    public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(30);

    private final Algorithm signing;
    private final List<JWTVerifier> verifiers;
    private final String issuer;

    /**
     * @param secret signing key, at least {@value #MIN_SECRET_LENGTH} characters
     * @param issuer the {@code iss} claim written and required
     */
    public Tokens(String secret, String issuer) {
        this(secret, List.of(), issuer, DEFAULT_LEEWAY);
    }

    /**
     * @param secret   signing key, at least {@value #MIN_SECRET_LENGTH} characters
     * @param previous keys whose tokens are still accepted (rotation), each as long
     * @param issuer   the {@code iss} claim written and required
     * @param leeway   clock skew tolerated on {@code exp}/{@code iat}/{@code nbf}
     */
    public Tokens(String secret, List<String> previous, String issuer, Duration leeway) {
        List<String> keys = new ArrayList<>();
        keys.add(secret);
        keys.addAll(previous);
        for (String key : keys) {
            if (key == null || key.length() < MIN_SECRET_LENGTH) {
                throw new IllegalStateException("Configuration 'auth.secret' (AUTH_SECRET) and every key in "
                        + "'auth.previoussecrets' (AUTH_PREVIOUSSECRETS) must have at least " + MIN_SECRET_LENGTH + " characters");
            }
        }
        this.signing = Algorithm.HMAC256(secret);
        this.issuer = issuer;
        this.verifiers = keys.stream()
                .map(key -> JWT.require(Algorithm.HMAC256(key)).withIssuer(issuer).withClaimPresence("exp")
                        .acceptLeeway(leeway.toSeconds()).build())
                .toList();
    }

    /**
     * The tokens of a service: {@code auth.secret}, {@code auth.previoussecrets} (comma-separated),
     * {@code auth.issuer}, {@code auth.leewayseconds}. On the local profile ({@code chat.profile:
     * local}, set by {@code chatctl up} and the tests) a missing key means {@link #LOCAL_SECRET}; on
     * any other profile a missing key, or the local one, stops the service with a message naming
     * {@code AUTH_SECRET}.
     *
     * @param config configuration root
     * @return the tokens
     * @throws IllegalStateException if the keys are missing, too short or the public local key
     */
    public static Tokens create(Config config) {
        boolean local = ServiceConfig.localProfile(config);
        String secret = config.get("auth.secret").asString().filter(s -> !s.isBlank()).orElse(null);
        List<String> previous = Arrays.stream(config.get("auth.previoussecrets").asString().orElse("").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (!local && secret == null) {
            throw new IllegalStateException("No signing key: set AUTH_SECRET (auth.secret) to the same random key of at least "
                    + MIN_SECRET_LENGTH + " characters on every gateway and api. Only a developer machine may run without one,"
                    + " with CHAT_PROFILE=local (chatctl up does that), and then uses a public key anyone can sign with.");
        }
        if (!local && (LOCAL_SECRET.equals(secret) || previous.contains(LOCAL_SECRET))) {
            throw new IllegalStateException("AUTH_SECRET (auth.secret) is the local stack's public key: anyone could sign tokens"
                    + " for any user. Set a random key of at least " + MIN_SECRET_LENGTH + " characters.");
        }
        long leeway = config.get("auth.leewayseconds").asLong().orElse(DEFAULT_LEEWAY.toSeconds());
        if (leeway < 0 || leeway > 600) {
            throw new IllegalStateException("Configuration 'auth.leewayseconds' (AUTH_LEEWAYSECONDS) must be 0..600, was " + leeway);
        }
        return new Tokens(secret == null ? LOCAL_SECRET : secret, previous,
                config.get("auth.issuer").asString().orElse("chat"), Duration.ofSeconds(leeway));
    }

    /**
     * @param userId the subject
     * @param ttl    how long it is valid
     * @return the signed token
     */
    public String issue(long userId, Duration ttl) {
        Instant now = Instant.now();
        return JWT.create()
                .withIssuer(issuer)
                .withSubject(Long.toString(userId))
                .withIssuedAt(now)
                .withExpiresAt(now.plus(ttl))
                .sign(signing);
    }

    /**
     * @param token a bearer token
     * @return the user id it was issued for
     * @throws InvalidToken if it is malformed, forged, expired or has no numeric subject
     */
    public long verify(String token) throws InvalidToken {
        return check(token).userId();
    }

    /**
     * @param token a bearer token
     * @return whom it was issued for and until when
     * @throws InvalidToken if it is malformed, forged, expired or has no numeric subject
     */
    public Bearer check(String token) throws InvalidToken {
        if (token == null || token.isBlank()) {
            throw new InvalidToken("missing token");
        }
        JWTVerificationException failure = null;
        for (JWTVerifier verifier : verifiers) {
            try {
                DecodedJWT jwt = verifier.verify(token);
                return new Bearer(Long.parseLong(jwt.getSubject()), jwt.getExpiresAtAsInstant());
            } catch (SignatureVerificationException e) {
                failure = e; // maybe signed with a previous key
            } catch (JWTVerificationException e) {
                throw new InvalidToken(e.getMessage());
            } catch (NumberFormatException e) {
                throw new InvalidToken("token subject is not a user id");
            }
        }
        throw new InvalidToken(failure.getMessage());
    }

    /**
     * A verified token.
     *
     * @param userId    its subject
     * @param expiresAt its {@code exp} (far in the future for an API token)
     * @param tokenId   the API token's id, null for a JWT
     */
    public record Bearer(long userId, Instant expiresAt, String tokenId) {
        /**
         * A JWT's bearer.
         *
         * @param userId    its subject
         * @param expiresAt its {@code exp}
         */
        public Bearer(long userId, Instant expiresAt) {
            this(userId, expiresAt, null);
        }
    }

    /** A token was missing, malformed, forged or expired. */
    public static final class InvalidToken extends Exception {
        /**
         * @param message why
         */
        public InvalidToken(String message) {
            super(message, null, false, false);
        }
    }
}
