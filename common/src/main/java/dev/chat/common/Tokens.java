package dev.chat.common;

import java.time.Duration;
import java.time.Instant;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import io.helidon.config.Config;

/**
 * Issues and checks the bearer tokens of gateway and api: HS256 JWTs whose subject is the user id,
 * with an expiry, signed with the key from {@code auth.secret}. Thread-safe.
 */
public final class Tokens {

    /** Shortest signing key accepted (HS256 needs 256 bits). */
    public static final int MIN_SECRET_LENGTH = 32;

    private final Algorithm algorithm;
    private final JWTVerifier verifier;
    private final String issuer;

    /**
     * @param secret signing key, at least {@value #MIN_SECRET_LENGTH} characters
     * @param issuer the {@code iss} claim written and required
     */
    public Tokens(String secret, String issuer) {
        if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalStateException("Configuration 'auth.secret' (AUTH_SECRET) must have at least "
                    + MIN_SECRET_LENGTH + " characters");
        }
        this.algorithm = Algorithm.HMAC256(secret);
        this.issuer = issuer;
        this.verifier = JWT.require(algorithm).withIssuer(issuer).withClaimPresence("exp").build();
    }

    /**
     * @param config configuration root
     * @return tokens from {@code auth.secret} and {@code auth.issuer}
     */
    public static Tokens create(Config config) {
        return new Tokens(ServiceConfig.required(config, "auth.secret"),
                config.get("auth.issuer").asString().orElse("chat"));
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
                .sign(algorithm);
    }

    /**
     * @param token a bearer token
     * @return the user id it was issued for
     * @throws InvalidToken if it is malformed, forged, expired or has no numeric subject
     */
    public long verify(String token) throws InvalidToken {
        if (token == null || token.isBlank()) {
            throw new InvalidToken("missing token");
        }
        try {
            return Long.parseLong(verifier.verify(token).getSubject());
        } catch (JWTVerificationException e) {
            throw new InvalidToken(e.getMessage());
        } catch (NumberFormatException e) {
            throw new InvalidToken("token subject is not a user id");
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
